/**
 * Ended sessions and changed users, told to every server process on one PostgreSQL
 * database with LISTEN/NOTIFY (https://www.postgresql.org/docs/current/sql-notify.html),
 * so that a sign-out in one process ends the session's cache entry in all of them.
 * The embedded database serves one process: there the events stay in-process.
 */
import type { PrismaClient } from '@worklets/db';
import pg from 'pg';
import type { FailureLog } from './failure-log.ts';
import type { SessionEvent, SessionResolver } from './session.ts';

const channel = 'worklets_session_events';

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
        sessions.forget(JSON.parse(message.payload ?? '') as SessionEvent);
      } catch {
        sessions.setChannelUp(false);
        sessions.setChannelUp(true);
      }
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
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
      await prisma.$executeRaw`SELECT pg_notify(${channel}, ${JSON.stringify(event)})`;
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
