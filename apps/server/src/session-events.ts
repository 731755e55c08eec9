/**
 * Ended sessions and changed users, told to every server process on one PostgreSQL
 * database with LISTEN/NOTIFY (https://www.postgresql.org/docs/current/sql-notify.html),
 * so that a sign-out in one process ends the session's cache entry in all of them.
 * The embedded database serves one process: there the events stay in-process.
 *
 * "At once" means before the sign-out is answered: every listener answers an event with an
 * acknowledgement on the same channel, and `publish` waits (at most `ackWaitMs`) for as many
 * as there are listening connections on the database (pg_stat_activity). A notification alone
 * is not enough: on a busy machine another process could serve the client's next request
 * before its listener had read the event (measured in test/scale-out.test.ts).
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@worklets/db';
import pg from 'pg';
import type { FailureLog } from './failure-log.ts';
import type { SessionEvent, SessionResolver } from './session.ts';

const channel = 'worklets_session_events';
const listenStatement = `LISTEN ${channel}`;
/** At most this long a publication waits for the acknowledgements (a process may hang or be gone). */
const ackWaitMs = 500;

/** What goes over the channel: an event (with an id to acknowledge), or an acknowledgement. */
type Message = SessionEvent & { id?: string; ack?: string };

export type SessionEvents = {
  /** Ends the session or the user's sessions here at once, and in every other process. */
  publish(event: SessionEvent): Promise<void>;
  close(): Promise<void>;
};

export function localSessionEvents(sessions: SessionResolver): SessionEvents {
  return {
    async publish(event) {
      sessions.forget(event);
    },
    async close() {},
  };
}

export async function postgresSessionEvents(options: {
  connectionString: string;
  prisma: PrismaClient;
  sessions: SessionResolver;
  logFailure: FailureLog;
}): Promise<SessionEvents> {
  const { connectionString, prisma, sessions, logFailure } = options;
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  /** This process's publications waiting for acknowledgements: how many are still missing. */
  const waiting = new Map<string, { missing: number; done: () => void }>();

  const receive = (message: Message) => {
    if (message.ack) {
      const wait = waiting.get(message.ack);
      if (wait && --wait.missing <= 0) wait.done();
      return;
    }
    sessions.forget(message);
    // Through the pool: the listening connection's last statement must stay the LISTEN.
    if (message.id)
      prisma.$executeRaw`SELECT pg_notify(${channel}, ${JSON.stringify({ ack: message.id })})`.catch(() => {});
  };

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString, connectionTimeoutMillis: 3_000 });
    const down = (error?: unknown) => {
      if (client !== next) return;
      client = null;
      sessions.setChannelUp(false);
      if (error) logFailure('session events', error);
      next.end().catch(() => {});
      if (!closed) retry = setTimeout(() => void connect().catch(() => {}), 1_000).unref();
    };
    client = next;
    next.on('error', down);
    next.on('end', () => down());
    next.on('notification', (message) => {
      try {
        receive(JSON.parse(message.payload ?? '') as Message);
      } catch {
        sessions.setChannelUp(false);
        sessions.setChannelUp(true);
      }
    });
    try {
      await next.connect();
      await next.query(listenStatement);
      sessions.setChannelUp(true);
    } catch (error) {
      down(error);
      throw error;
    }
  };

  sessions.setChannelUp(false);
  await connect().catch(() => {});

  return {
    async publish(event) {
      sessions.forget(event);
      // Every process listens on one connection whose last statement is the LISTEN.
      const [{ listeners }] = await prisma.$queryRaw<[{ listeners: number }]>`
        SELECT count(*)::int AS listeners FROM pg_stat_activity
        WHERE datname = current_database() AND query = ${listenStatement}`;
      if (!client || listeners < 1) {
        await prisma.$executeRaw`SELECT pg_notify(${channel}, ${JSON.stringify(event)})`;
        return;
      }
      const id = randomUUID();
      const acknowledged = new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiting.delete(id);
          resolve();
        };
        const timer = setTimeout(done, ackWaitMs).unref();
        waiting.set(id, { missing: listeners, done });
      });
      await prisma.$executeRaw`SELECT pg_notify(${channel}, ${JSON.stringify({ ...event, id })})`;
      await acknowledged;
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const current = client;
      client = null;
      await current?.end().catch(() => {});
    },
  };
}
