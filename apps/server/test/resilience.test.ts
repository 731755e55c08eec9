/**
 * The server when the database misbehaves, on a real PostgreSQL server of its own: a
 * temporary cluster (initdb + pg_ctl) so that stopping it disturbs no other test. Runs the
 * same in both projects (it never uses the project's database).
 *   (a) an exhausted pool: requests fail fast with 503, they do not hang;
 *   (b) a database restart: requests fail cleanly while it is down, the server keeps
 *       answering, and once it is back requests succeed without restarting the server;
 *   (c) finding 16 of the security review: an outage is logged once per kind of failure
 *       per interval, not as a stack trace per request, and the API's 503s are logged.
 * The PostgreSQL server programs are run by ./pg-cluster.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrismaClient, type Database, migrateDatabase } from '@worklets/db';
import getPort from 'get-port';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cluster, giveToPostgres, pgTool } from './pg-cluster.ts';
import { readBody, startTestServer, type TestServer } from './test-server.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let dir: string;
let pg: ReturnType<typeof cluster>;
let db: Database;
let s: TestServer;
let cookie: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wl-pg-'));
  await giveToPostgres(dir);
  pg = cluster(dir, 'data', await getPort());
  await pgTool('initdb', ['-D', pg.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  await pg.start();
  await pgTool('createdb', ['-h', '127.0.0.1', '-p', String(pg.port), '-U', 'postgres', 'worklets']);
  const url = pg.url('worklets');
  await migrateDatabase(url);
  db = createPrismaClient(url, { poolSize: 2, connectionTimeoutMs: 500, transactionMaxWaitMs: 500 });
  // Every signed-in request looks its session up in the database here (no session cache).
  s = await startTestServer({ db, config: { sessionCacheMs: 0 } });
  const admin = await s.createUser('admin');
  cookie = await s.signIn(admin);
});

afterAll(async () => {
  await s?.close();
  await db?.close().catch(() => {});
  if (pg?.running) await pg.stop('immediate').catch(() => {});
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** One call through the real server: status, body, the tRPC error code, and how long it took. */
async function timed(path: string, init: { cookie?: string } = {}, input?: unknown) {
  const started = Date.now();
  const res = await s.query(path, input, init);
  const body = await readBody(res);
  return {
    status: res.status,
    ms: Date.now() - started,
    text: body.text,
    json: body.json,
    code: body.json?.error?.json?.data?.code ?? null,
  };
}

/** Connections of the cluster currently running pg_sleep (seen from a connection of its own). */
async function sleepingConnections(): Promise<number> {
  const probe = createPrismaClient(pg.url('postgres'), {
    poolSize: 1,
    connectionTimeoutMs: 2_000,
  });
  try {
    const rows = await probe.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()`;
    return rows[0]?.n ?? 0;
  } finally {
    await probe.close();
  }
}

/**
 * Finding 16: 30 more requests during the outage add no stack trace, at most one line per
 * kind of failure, and the API's 503s are in the log (the failure lines and a request
 * line each).
 */
let outageStart = 0;

async function outageIsLoggedOnce() {
  const before = s.logs.length;
  for (let i = 0; i < 10; i++) {
    expect((await timed('health')).status).toBe(503);
    expect((await timed('users.me', { cookie })).status).toBe(503);
    expect((await timed('worklets.list', { cookie }, { limit: 5 })).status).toBe(503);
  }
  const lines = s.logs.slice(before);
  expect(lines.filter((line) => /\\n\s+at |^\s+at /.test(line))).toEqual([]);
  const failures = lines.filter((line) => line.startsWith('failure:'));
  const kinds = new Set(failures.map((line) => JSON.parse(line.slice(line.indexOf('{'))).kind));
  expect(failures.length).toBe(kinds.size);
  const requests = lines.filter((line) => line.startsWith('request ')).map((line) => JSON.parse(line.slice(8)));
  expect(requests).toHaveLength(30);
  expect(requests.every((r) => r.status === 503)).toBe(true);
  expect(lines.length).toBeLessThanOrEqual(30 + 5);
  // Over the whole outage, the API's own 503s were logged, each kind once.
  const outage = s.logs.slice(outageStart).filter((line) => line.startsWith('failure:'));
  expect(outage.some((line) => line.startsWith('failure: api:'))).toBe(true);
  expect(new Set(outage.map((line) => line.split(' {')[0])).size).toBe(outage.length);
}

describe('resilience on a real PostgreSQL server', () => {
  it('works normally first', async () => {
    expect(await timed('health')).toMatchObject({ status: 200 });
    expect(await timed('users.me', { cookie })).toMatchObject({ status: 200 });
  });

  it('an exhausted pool answers 503 (SERVICE_UNAVAILABLE) within ~2 s instead of hanging', async () => {
    // Both connections of the pool are busy for 3 s.
    const sleepers = Promise.all([
      db.prisma.$executeRaw`SELECT pg_sleep(3)`,
      db.prisma.$executeRaw`SELECT pg_sleep(3)`,
    ]);
    const deadline = Date.now() + 2_000;
    while ((await sleepingConnections()) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await sleepingConnections()).toBe(2);

    const health = await timed('health');
    expect(health.status).toBe(503);
    expect(health.code).toBe('SERVICE_UNAVAILABLE');
    expect(health.ms).toBeLessThan(2_000);
    expect(health.text).not.toMatch(/prisma|timeout exceeded|SELECT/i);

    // Signed in, the session lookup itself needs a connection: same answer, as fast.
    const me = await timed('users.me', { cookie });
    expect(me.status).toBe(503);
    expect(me.ms).toBeLessThan(2_000);
    expect(me.text).not.toMatch(/prisma|timeout exceeded|SELECT/i);

    await sleepers;
    // Once the connections are free again, the same calls succeed.
    expect(await timed('health')).toMatchObject({ status: 200 });
    expect(await timed('users.me', { cookie })).toMatchObject({ status: 200 });
  });

  it('survives a database restart: clean failures while it is down, recovery without restarting the server (finding 16: logged once per kind)', async () => {
    expect((await timed('health')).status).toBe(200);
    outageStart = s.logs.length;
    await pg.stop('fast');

    for (const call of [
      () => timed('health'),
      () => timed('users.me', { cookie }),
      () => timed('worklets.list', { cookie }, { limit: 5 }),
    ]) {
      const down = await call();
      // 503 (retry later) whether the API or the session lookup met the stopped server.
      expect(down.status, down.text).toBe(503);
      expect(down.ms).toBeLessThan(5_000);
      // (Outside production the API adds its own stack trace; the driver's text never reaches the client.)
      expect(down.text).not.toMatch(/ECONNREFUSED|SELECT|invocation|Connection terminated|administrator command/i);
      const message = String(down.json?.error?.json?.message ?? down.json?.error?.message ?? '');
      expect(message).toMatch(/^The database is busy or unavailable\. Please try again/);
    }
    expect((await timed('health')).code).toBe('SERVICE_UNAVAILABLE');
    await outageIsLoggedOnce();
    // The server process itself still answers.
    const healthz = await fetch(`${s.url}/healthz`);
    expect(healthz.status).toBe(200);

    await pg.start();
    const started = Date.now();
    let health = await timed('health');
    while (health.status !== 200 && Date.now() - started < 10_000) {
      await new Promise((r) => setTimeout(r, 200));
      health = await timed('health');
    }
    expect(health.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    // Sessions survived in the database: the same cookie works again.
    expect(await timed('users.me', { cookie })).toMatchObject({ status: 200 });
    expect(await timed('worklets.list', { cookie }, { limit: 5 })).toMatchObject({ status: 200 });
  });
});
