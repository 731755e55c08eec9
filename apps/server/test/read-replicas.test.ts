/**
 * Read replicas (DATABASE_REPLICA_URLS) against a real PostgreSQL streaming replica that this
 * file builds: a throwaway primary (initdb, wal_level=replica, a replication role) and a
 * `pg_basebackup -R` standby of it, each on its own loopback port (pg-cluster.ts). Runs in
 * the postgres project only (vitest.config.ts): it never uses the project's database.
 *
 * Replication lag is made deterministic with `pg_wal_replay_pause()` on the standby: a row
 * written to the primary is then missing on the replica until replay resumes, so where a read
 * went shows in what it returns.
 *   (a) model reads outside a transaction, and hand-written reads through `queryRead`, go to
 *       the replica; writes, transactions and other raw SQL to the primary;
 *   (b) read-your-writes: after a user's write (a tRPC mutation) their reads see it at once,
 *       carried by the signed `worklets.rw` cookie; other users read the (lagging) replica;
 *       a forged cookie pins nothing; the window ends;
 *   (c) two replicas, one unreachable: its reads go to the other one, logged once;
 *   (d) the replica stalled (a proxy that stops passing bytes): reads time out (queryTimeoutMs)
 *       and are answered by the primary;
 *   (e) the replica stopped: reads still answer (from the primary), quickly; once it is back,
 *       reads go to it again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPrismaClient,
  createReplicatedDatabase,
  type Database,
  migrateDatabase,
  Prisma,
  queryRead,
  type ReplicatedDatabase,
} from '@worklets/db';
import getPort from 'get-port';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { readYourWritesCookie } from '../src/read-routing.ts';
import { cluster, giveToPostgres, pgTool } from './pg-cluster.ts';
import { parseSetCookie, readBody, startTestServer, type TestServer } from './test-server.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const windowMs = 1_500;
const retryAfterMs = 300;

let dir: string;
let primary: ReturnType<typeof cluster>;
let standby: ReturnType<typeof cluster>;
let primaryDb: Database;
let replicated: ReplicatedDatabase;
let standbyAdmin: pg.Pool;
let s: TestServer;
/** SQL statements sent to the replica's pool. */
let replicaStatements = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

async function streaming(): Promise<boolean> {
  const rows = await primaryDb.prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_replication WHERE state = 'streaming'`;
  return (rows[0]?.n ?? 0) > 0;
}

const pauseReplay = () => standbyAdmin.query('SELECT pg_wal_replay_pause()');
const resumeReplay = () => standbyAdmin.query('SELECT pg_wal_replay_resume()');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wl-replica-'));
  await giveToPostgres(dir);
  primary = cluster(dir, 'primary', await getPort());
  standby = cluster(dir, 'standby', await getPort());
  await pgTool('initdb', ['-D', primary.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  await primary.start(['-c wal_level=replica', '-c max_wal_senders=4']);
  await pgTool('createdb', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', 'worklets']);
  primaryDb = createPrismaClient(primary.url('worklets'), { poolSize: 4, connectionTimeoutMs: 2_000 });
  // A role that may only replicate (initdb's pg_hba.conf lets replication connections in from loopback).
  await primaryDb.prisma.$executeRawUnsafe('CREATE ROLE replicator WITH REPLICATION LOGIN');
  await migrateDatabase(primary.url('worklets'));
  // -R writes standby.signal and primary_conninfo: the copy starts as a streaming standby.
  await pgTool('pg_basebackup', [
    ...['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'replicator'],
    ...['-D', standby.dataDir, '-R', '-X', 'stream', '--no-sync', '-c', 'fast'],
  ]);
  await standby.start(['-c hot_standby=on']);
  await until('the standby streams', streaming);
  standbyAdmin = new pg.Pool({ connectionString: standby.url('worklets'), max: 1, connectionTimeoutMillis: 2_000 });
  standbyAdmin.on('error', () => {});
  replicated = createReplicatedDatabase(primaryDb.prisma, [standby.url('worklets')], {
    poolSize: 4,
    connectionTimeoutMs: 1_000,
    retryAfterMs,
    onQuery: () => void replicaStatements++,
  });
  s = await startTestServer({
    db: { prisma: primaryDb.prisma },
    replicaRouted: replicated.routed,
    config: { readYourWritesMs: windowMs, sessionCacheMs: 0 },
  });
});

afterAll(async () => {
  await s?.close().catch(() => {});
  await standbyAdmin?.end().catch(() => {});
  await replicated?.close().catch(() => {});
  await primaryDb?.close().catch(() => {});
  if (standby?.running) await standby.stop('immediate').catch(() => {});
  if (primary?.running) await primary.stop('immediate').catch(() => {});
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The Cookie header without the read-your-writes cookie (the session only). */
const sessionOnly = (cookie: string) =>
  cookie
    .split('; ')
    .filter((pair) => !pair.startsWith(`${readYourWritesCookie}=`))
    .join('; ');

async function capacitySeenBy(cookie: string): Promise<number> {
  const res = await s.query('settings.get', undefined, { cookie });
  const body = await readBody(res);
  expect(res.status, body.text).toBe(200);
  return body.json.result.data.json.defaultMentorCapacity;
}

describe('read replicas on a real PostgreSQL streaming replica', () => {
  it('model reads and queryRead go to the replica; writes, transactions and other raw SQL to the primary', async () => {
    const { routed } = replicated;
    // Raw SQL stays on the primary (the extension routes model reads only).
    const raw = await routed.$queryRaw<{ standby: boolean }[]>`SELECT pg_is_in_recovery() AS standby`;
    expect(raw[0]?.standby).toBe(false);
    const before = replicaStatements;
    await routed.user.count();
    expect(replicaStatements).toBeGreaterThan(before);
    // Hand-written reads that say so (queryRead: card pages, a worklet's mentors) go to the replica.
    const read = await queryRead<{ standby: boolean }>(routed, Prisma.sql`SELECT pg_is_in_recovery() AS standby`);
    expect(read[0]?.standby).toBe(true);
    // The primary client and transactions keep them on the primary.
    expect(
      (await queryRead<{ standby: boolean }>(primaryDb.prisma, Prisma.sql`SELECT pg_is_in_recovery() AS standby`))[0]
        ?.standby,
    ).toBe(false);
    const inTx = await routed.$transaction((tx) =>
      queryRead<{ standby: boolean }>(tx, Prisma.sql`SELECT pg_is_in_recovery() AS standby`),
    );
    expect(inTx[0]?.standby).toBe(false);

    await pauseReplay();
    try {
      const email = `lagging.${Date.now()}@example.test`;
      // A write through the routed client lands on the primary (a standby would refuse it).
      await routed.user.create({ data: { email, name: 'Lagging', role: 'student' } });
      // The replica has not replayed it yet: a plain read does not see it, nor a hand-written one ...
      expect(await routed.user.findUnique({ where: { email } })).toBeNull();
      expect(await queryRead(routed, Prisma.sql`SELECT id FROM users WHERE email = ${email}`)).toEqual([]);
      // ... a transaction runs on the primary and does.
      const inTransaction = await routed.$transaction((tx) => tx.user.findUnique({ where: { email } }));
      expect(inTransaction?.email).toBe(email);
      await resumeReplay();
      await until(
        'the replica replays the row',
        async () => (await routed.user.findUnique({ where: { email } })) !== null,
      );
    } finally {
      await resumeReplay();
    }
  });

  it("read-your-writes: a user's reads see their own write at once; others read the replica", async () => {
    const [a, b, c] = [await s.createUser('admin'), await s.createUser('admin'), await s.createUser('admin')];
    const signedIn = await s.signInRequest(a.email, a.password);
    // Signing in is a write: it marks the browser too.
    expect(parseSetCookie(signedIn, readYourWritesCookie)?.attrs.get('httponly')).toBe(true);
    const cookieA = sessionOnly(await s.signIn(a));
    const cookieB = sessionOnly(await s.signIn(b));
    const cookieC = sessionOnly(await s.signIn(c));
    await sleep(windowMs);
    const old = await capacitySeenBy(cookieB);
    const next = old === 12 ? 13 : 12;

    await pauseReplay();
    try {
      const res = await s.mutation('settings.update', { defaultMentorCapacity: next }, { cookie: cookieA });
      expect(res.status, await res.clone().text()).toBe(200);
      const mark = parseSetCookie(res, readYourWritesCookie);
      expect(mark).not.toBeNull();
      const pinnedA = `${cookieA}; ${readYourWritesCookie}=${mark!.value}`;

      expect(await capacitySeenBy(pinnedA)).toBe(next);
      // This process also remembers A (for clients that keep no cookies, e.g. scripts).
      expect(await capacitySeenBy(cookieA)).toBe(next);
      // Another user reads the replica, which has not replayed the write yet.
      expect(await capacitySeenBy(cookieB)).toBe(old);
      // The cookie alone pins (another server process knows nothing of A): C with it reads the primary ...
      expect(await capacitySeenBy(`${cookieC}; ${readYourWritesCookie}=${mark!.value}`)).toBe(next);
      // ... and a forged one pins nothing.
      const forged = `${Date.now() + 60_000}.${mark!.value.split('.')[1]}`;
      expect(await capacitySeenBy(`${cookieC}; ${readYourWritesCookie}=${forged}`)).toBe(old);

      // The window ends: A reads the replica again.
      await sleep(windowMs + 100);
      expect(await capacitySeenBy(pinnedA)).toBe(old);
    } finally {
      await resumeReplay();
    }
    await until('the replica replays the change', async () => (await capacitySeenBy(cookieB)) === next);
  });

  it('with two replicas, one unreachable: its reads go to the other replica, and it is logged once', async () => {
    const down: string[] = [];
    let statements = 0;
    const dead = `postgresql://postgres@127.0.0.1:${await getPort()}/worklets`;
    const two = createReplicatedDatabase(primaryDb.prisma, [dead, standby.url('worklets')], {
      connectionTimeoutMs: 1_000,
      onReplicaDown: (url) => down.push(url),
      onQuery: () => void statements++,
    });
    try {
      await pauseReplay();
      const email = `second.${Date.now()}@example.test`;
      await primaryDb.prisma.user.create({ data: { email, name: 'Second', role: 'student' } });
      for (let i = 0; i < 10; i++) {
        // Every read is answered, by the live replica (which has not replayed the row), never the primary.
        expect(await two.routed.user.findUnique({ where: { email } })).toBeNull();
      }
      expect(down).toEqual([dead]);
      expect(statements).toBeGreaterThanOrEqual(10);
    } finally {
      await resumeReplay();
      await two.close();
    }
  });

  it('a stalled replica (it keeps its connections and answers nothing): reads go to the primary after the query timeout', async () => {
    // A proxy in front of the standby that, once frozen, passes no more bytes either way.
    let frozen = false;
    const sockets = new Set<Socket>();
    const proxy = createServer((client) => {
      const upstream = connect(standby.port, '127.0.0.1');
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('error', () => {});
      }
      client.on('data', (chunk) => void (frozen || upstream.write(chunk)));
      upstream.on('data', (chunk) => void (frozen || client.write(chunk)));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const url = `postgresql://postgres@127.0.0.1:${(proxy.address() as AddressInfo).port}/worklets`;
    const down: string[] = [];
    const options = {
      poolSize: 1,
      connectionTimeoutMs: 1_000,
      queryTimeoutMs: 400,
      onReplicaDown: (u: string) => down.push(u),
    };
    const [models, handWritten] = [
      createReplicatedDatabase(primaryDb.prisma, [url], options),
      createReplicatedDatabase(primaryDb.prisma, [url], options),
    ];
    const standbyRead = () =>
      queryRead<{ standby: boolean }>(handWritten.routed, Prisma.sql`SELECT pg_is_in_recovery() AS standby`);
    try {
      // Both read through the proxy while it passes bytes (their connections stay open).
      expect(await models.routed.user.count()).toEqual(expect.any(Number));
      expect((await standbyRead())[0]?.standby).toBe(true);
      frozen = true;
      const started = Date.now();
      // A model read (through Prisma) and a hand-written one (through pg) each time out and are
      // answered by the primary, the replica is set aside (logged once per client).
      expect(await models.routed.user.count()).toEqual(expect.any(Number));
      expect((await standbyRead())[0]?.standby).toBe(false);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(down).toEqual([url, url]);
      // Set aside: the next reads go to the primary at once.
      const next = Date.now();
      expect((await standbyRead())[0]?.standby).toBe(false);
      expect(Date.now() - next).toBeLessThan(300);
    } finally {
      for (const socket of sockets) socket.destroy();
      proxy.close();
      await Promise.all([models.close(), handWritten.close()]);
    }
  });

  it('a stopped replica: reads are answered by the primary; once it is back, reads use it again', async () => {
    const admin = await s.createUser('admin');
    const cookie = sessionOnly(await s.signIn(admin));
    await sleep(windowMs);
    const value = await capacitySeenBy(cookie);

    await standby.stop('immediate');
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      expect(await capacitySeenBy(cookie)).toBe(value);
      expect(await replicated.routed.user.count()).toBeGreaterThan(0);
      const read = await queryRead<{ standby: boolean }>(
        replicated.routed,
        Prisma.sql`SELECT pg_is_in_recovery() AS standby`,
      );
      expect(read[0]?.standby).toBe(false);
      expect(Date.now() - started).toBeLessThan(2_000);
    }

    await standby.start(['-c hot_standby=on']);
    await until('the standby streams again', streaming);
    await sleep(retryAfterMs + 50);
    await until('reads go to the replica again', async () => {
      const before = replicaStatements;
      await capacitySeenBy(cookie);
      return replicaStatements > before;
    });
    expect(await capacitySeenBy(cookie)).toBe(value);
  });
});

describe('replica configuration', () => {
  const secret = { BETTER_AUTH_SECRET: 'x'.repeat(40) };

  it('reads DATABASE_REPLICA_URLS and the read-your-writes window', () => {
    const config = loadConfig({
      ...secret,
      DATABASE_URL: 'postgresql://app@db1:5432/worklets',
      DATABASE_REPLICA_URLS: 'postgresql://app@db2:5432/worklets, postgres://app:pw@db3/worklets',
      WORKLETS_READ_YOUR_WRITES_MS: '2000',
    });
    expect(config.replicaUrls).toEqual(['postgresql://app@db2:5432/worklets', 'postgres://app:pw@db3/worklets']);
    expect(config.readYourWritesMs).toBe(2000);
    expect(loadConfig(secret)).toMatchObject({ replicaUrls: [], readYourWritesMs: 5000 });
  });

  it('refuses a replica URL that is not postgresql://host/database, without echoing it', () => {
    const base = { ...secret, DATABASE_URL: 'postgresql://app@db1:5432/worklets' };
    for (const bad of ['mysql://app@db2/worklets', 'postgresql://app:secret@db2:5432', 'not a url'])
      expect(() => loadConfig({ ...base, DATABASE_REPLICA_URLS: bad })).toThrow(
        /^DATABASE_REPLICA_URLS URL 1 is not postgresql:\/\/user@host:5432\/database$/,
      );
    expect(() => loadConfig({ ...secret, DATABASE_REPLICA_URLS: 'postgresql://app@db2/worklets' })).toThrow(
      /needs DATABASE_URL/,
    );
    expect(() => loadConfig({ ...secret, WORKLETS_READ_YOUR_WRITES_MS: '-1' })).toThrow(/WORKLETS_READ_YOUR_WRITES_MS/);
  });
});
