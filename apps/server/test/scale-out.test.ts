/**
 * Issue 15: several server processes sharing nothing but PostgreSQL.
 *   - two separate processes (`src/main.ts`) behind a real load balancer, HAProxy from Debian
 *     (`/usr/sbin/haproxy`, round-robin, no stickiness) started here on loopback: the
 *     concurrency guarantees, sessions, sign-out and rate limits hold across both;
 *   - WORKLETS_WORKERS=2: one command, two worker pids, a dead worker is restarted, SIGTERM
 *     exits 0.
 * PostgreSQL only (the pglite project excludes this file, see vitest.config.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { upsertUserWithPassword } from '@worklets/auth/accounts';
import { createTestDatabase, type TestDatabase } from '@worklets/db/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cookieHeader, freePort, testSecret } from './test-server.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const haproxyBin = '/usr/sbin/haproxy';
const readsPerMinute = 20;
const signInPerMinute = 5;

type Proc = { child: ChildProcess; output: () => string; exited: Promise<number | null> };
const procs: Proc[] = [];

function run(command: string, args: string[], env: Record<string, string>): Proc {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(WORKLETS_|DATABASE_URL|PUBLIC_URL|BETTER_AUTH_SECRET|TRUSTED_|NODE_ENV|PORT|HOST)/.test(key),
    ),
  );
  const child = spawn(command, args, { cwd: serverDir, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc = { child, output: () => output, exited };
  procs.push(proc);
  return proc;
}

async function waitFor(proc: Proc, text: string | RegExp, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  const seen = () => (typeof text === 'string' ? proc.output().includes(text) : text.test(proc.output()));
  while (!seen() && proc.child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (!seen()) throw new Error(`never saw ${text} in:\n${proc.output()}`);
}

/** The server as `pnpm start` runs it, with tsx for the sources (as processes.test.ts does). */
function startServer(env: Record<string, string>): Proc {
  return run(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    BETTER_AUTH_SECRET: testSecret,
    ...env,
  });
}

/** The request-log lines a process wrote: one JSON object a request (pino's lines carry the pid). */
function requestLines(proc: Proc): { pid: number; route: string; status: number; user: number | null }[] {
  return proc
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"msg":"request"'))
    .map((line) => JSON.parse(line));
}

let db: TestDatabase;
let proxyUrl: string;
let backends: { a: Proc & { url: string }; b: Proc & { url: string } };
let admin: { email: string; password: string; id: number };
const dirs: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  const [proxyPort, portA, portB] = [await freePort(), await freePort(), await freePort()];
  proxyUrl = `http://127.0.0.1:${proxyPort}`;
  const env = {
    DATABASE_URL: db.connectionString,
    PUBLIC_URL: proxyUrl,
    TRUSTED_PROXIES: '127.0.0.1',
    WORKLETS_SIGNIN_PER_MINUTE: String(signInPerMinute),
    WORKLETS_READS_PER_MINUTE: String(readsPerMinute),
    WORKLETS_WRITES_PER_MINUTE: '100000',
    WORKLETS_AUTH_PER_MINUTE: '100000',
  };
  const a = startServer({ ...env, PORT: String(portA) });
  const b = startServer({ ...env, PORT: String(portB) });
  const dir = mkdtempSync(join(tmpdir(), 'wl-haproxy-'));
  dirs.push(dir);
  const config = [
    'global',
    '  nbthread 1',
    'defaults',
    '  mode http',
    '  option forwardfor',
    '  timeout connect 5s',
    '  timeout client 60s',
    '  timeout server 60s',
    'frontend worklets',
    `  bind 127.0.0.1:${proxyPort}`,
    '  default_backend servers',
    'backend servers',
    '  balance roundrobin',
    `  server a 127.0.0.1:${portA}`,
    `  server b 127.0.0.1:${portB}`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'haproxy.cfg'), config);
  const proxy = run(haproxyBin, ['-db', '-f', join(dir, 'haproxy.cfg')], {});
  await Promise.all([waitFor(a, 'Worklets is running'), waitFor(b, 'Worklets is running')]);
  expect(proxy.child.exitCode, proxy.output()).toBeNull();
  backends = { a: { ...a, url: `http://127.0.0.1:${portA}` }, b: { ...b, url: `http://127.0.0.1:${portB}` } };
  const password = 'the-admin-password';
  const created = await upsertUserWithPassword(db.prisma, {
    email: 'admin@scale-out.test',
    name: 'Scale Admin',
    role: 'admin',
    password,
  });
  admin = { email: created.email, password, id: created.id };
});

afterAll(async () => {
  for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
  await Promise.all(procs.map((proc) => proc.exited));
  await db?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

let clients = 0;

/** A sign-in through the proxy, from a client address of its own unless `headers` name one. */
function signIn(email: string, password: string, headers: Record<string, string> = {}) {
  const client = ++clients;
  return fetch(`${proxyUrl}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: proxyUrl,
      'x-forwarded-for': `10.8.${client >> 8}.${client & 255}`,
      ...headers,
    },
    body: JSON.stringify({ email, password }),
  });
}

const me = async (base: string, cookie: string) =>
  (await fetch(`${base}/api/trpc/users.me`, { headers: { cookie } })).status;

function assign(
  cookie: string,
  input: { workletId: number; mentorId: number; role?: string; replacePrimary?: boolean },
) {
  return fetch(`${proxyUrl}/api/trpc/assignments.assign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: proxyUrl, cookie },
    body: JSON.stringify({ json: input }),
  });
}

async function mentors(count: number, tag: string) {
  await db.prisma.user.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      email: `${tag}.${i}@scale-out.test`,
      name: `Mentor ${i}`,
      role: 'mentor' as const,
    })),
  });
  return db.prisma.user.findMany({ where: { email: { startsWith: `${tag}.` } }, select: { id: true } });
}

/** Log lines reach the pipe a moment after the answer: wait (at most 2 s) until `ready`. */
async function logged(ready: () => boolean) {
  const deadline = Date.now() + 2_000;
  while (!ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

const served = (proc: Proc, user: number) => requestLines(proc).filter((line) => line.user === user).length;

describe('two server processes behind HAProxy (round-robin)', () => {
  it('200 concurrent duplicate assigns: exactly 1 succeeds, 199 CONFLICT, one active row; both processes served', async () => {
    const cookie = cookieHeader(await signIn(admin.email, admin.password));
    const worklet = await db.prisma.worklet.create({ data: { title: 'Duplicates', status: 'active' } });
    const [mentor] = await mentors(1, 'dup');
    const statuses = await Promise.all(
      Array.from(
        { length: 200 },
        async () => (await assign(cookie, { workletId: worklet.id, mentorId: mentor!.id })).status,
      ),
    );
    const count = (status: number) => statuses.filter((s) => s === status).length;
    expect({ ok: count(200), conflict: count(409), other: 200 - count(200) - count(409) }).toEqual({
      ok: 1,
      conflict: 199,
      other: 0,
    });
    const rows = await db.prisma.mentorWorkletAssignment.findMany({ where: { workletId: worklet.id, isActive: true } });
    expect(rows).toMatchObject([{ mentorId: mentor!.id }]);
    // Round-robin: each process answered about half.
    await logged(() => served(backends.a, admin.id) + served(backends.b, admin.id) >= 200);
    expect(served(backends.a, admin.id)).toBeGreaterThanOrEqual(90);
    expect(served(backends.b, admin.id)).toBeGreaterThanOrEqual(90);
  });

  it('50 mentors claimed as Primary of one worklet at once: exactly one Primary', async () => {
    const cookie = cookieHeader(await signIn(admin.email, admin.password));
    const worklet = await db.prisma.worklet.create({ data: { title: 'Primary race', status: 'active' } });
    const racers = await mentors(50, 'primary');
    const statuses = await Promise.all(
      racers.map(
        async (m) =>
          (await assign(cookie, { workletId: worklet.id, mentorId: m.id, role: 'Primary', replacePrimary: false }))
            .status,
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const primaries = await db.prisma.mentorWorkletAssignment.findMany({
      where: { workletId: worklet.id, isActive: true, roleType: 'Primary' },
    });
    expect(primaries).toHaveLength(1);
    expect((await db.prisma.worklet.findUnique({ where: { id: worklet.id } }))?.mentorId).toBe(primaries[0]!.mentorId);
  });

  it('a session works on both processes, and a sign-out through the proxy ends it on both at once', async () => {
    const user = await upsertUserWithPassword(db.prisma, {
      email: 'session@scale-out.test',
      name: 'Session User',
      role: 'mentor',
      password: 'the-session-password',
    });
    const cookie = cookieHeader(await signIn(user.email, 'the-session-password'));
    for (let i = 0; i < 4; i++) expect(await me(proxyUrl, cookie)).toBe(200);
    await logged(() => served(backends.a, user.id) + served(backends.b, user.id) === 4);
    expect(served(backends.a, user.id)).toBe(2);
    expect(served(backends.b, user.id)).toBe(2);
    // Five times: sign in, both processes cache the session, sign out through the proxy, and
    // at once ask each process directly.
    for (let round = 0; round < 5; round++) {
      const session = round === 0 ? cookie : cookieHeader(await signIn(user.email, 'the-session-password'));
      expect(await me(backends.a.url, session)).toBe(200);
      expect(await me(backends.b.url, session)).toBe(200);
      const signedOut = await fetch(`${proxyUrl}/api/auth/sign-out`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: proxyUrl, cookie: session },
        body: '{}',
      });
      expect(signedOut.status).toBe(200);
      const after = [backends.a.url, backends.b.url];
      if (round % 2) after.reverse();
      expect([await me(after[0]!, session), await me(after[1]!, session)], `round ${round}`).toEqual([401, 401]);
      expect(await me(proxyUrl, session)).toBe(401);
    }
  });

  it('sign-in limits are shared: never more than the limit, exact when attempts come one by one', async () => {
    const limited = async (email: string) =>
      upsertUserWithPassword(db.prisma, { email, name: 'Limited', role: 'student', password: 'the-right-password' });
    // HAProxy appends the address it saw; the servers trust 127.0.0.1, so the client is 10.7.0.x.
    const attempt = (email: string, ip: string) => signIn(email, 'wrong', { 'x-forwarded-for': ip });
    // At once: the address and the account are counted separately, so a race may spend a point
    // of each on different attempts: at most the limit passes.
    const racer = await limited('racer@scale-out.test');
    const raced = await Promise.all(
      Array.from({ length: 12 }, async () => (await attempt(racer.email, '10.7.0.1')).status),
    );
    expect(raced.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(raced.filter((s) => s === 401).length).toBeLessThanOrEqual(signInPerMinute);
    // One by one, alternating between the processes: exactly the limit.
    const steady = await limited('steady@scale-out.test');
    const inTurn: number[] = [];
    for (let i = 0; i < signInPerMinute + 3; i++) inTurn.push((await attempt(steady.email, '10.7.0.2')).status);
    expect(inTurn).toEqual([...Array(signInPerMinute).fill(401), 429, 429, 429]);
    // Another address, same account: the per-account limit is spent on both processes too.
    for (let i = 0; i < 2; i++)
      expect((await signIn(steady.email, 'the-right-password', { 'x-forwarded-for': '10.7.0.3' })).status).toBe(429);
  });

  it('API read limits are shared: overshoot within one flush interval (200 ms) per process, then both refuse', async () => {
    const reader = await upsertUserWithPassword(db.prisma, {
      email: 'reader@scale-out.test',
      name: 'Reader',
      role: 'student',
      password: 'the-reader-password',
    });
    const cookie = cookieHeader(await signIn(reader.email, 'the-reader-password'));
    // A paced client (one read every 50 ms, alternating between the processes): each process
    // learns the other's calls within a flush (200 ms), so a few calls at most slip through.
    const paced: number[] = [];
    for (let i = 0; i < readsPerMinute + 10; i++) {
      paced.push(await me(proxyUrl, cookie));
      await new Promise((r) => setTimeout(r, 50));
    }
    const admitted = paced.filter((s) => s === 200).length;
    console.log(`paced reads: ${admitted} admitted of a limit of ${readsPerMinute} (2 processes)`);
    expect(admitted).toBeGreaterThanOrEqual(readsPerMinute);
    expect(admitted).toBeLessThanOrEqual(readsPerMinute + 4);
    expect(paced.slice(-5)).toEqual([429, 429, 429, 429, 429]);
    await new Promise((r) => setTimeout(r, 500));
    expect([await me(backends.a.url, cookie), await me(backends.b.url, cookie)]).toEqual([429, 429]);

    // A burst (60 reads at once): each process decides on its own counts until its next flush,
    // so together they may admit up to 2 x the limit, never more (each one's own count is exact).
    const burster = await upsertUserWithPassword(db.prisma, {
      email: 'burster@scale-out.test',
      name: 'Burster',
      role: 'student',
      password: 'the-burst-password',
    });
    const burstCookie = cookieHeader(await signIn(burster.email, 'the-burst-password'));
    const burst = await Promise.all(Array.from({ length: 60 }, () => me(proxyUrl, burstCookie)));
    const burstAdmitted = burst.filter((s) => s === 200).length;
    console.log(`burst reads: ${burstAdmitted} admitted of a limit of ${readsPerMinute} (2 processes)`);
    expect(burst.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(burstAdmitted).toBeGreaterThanOrEqual(readsPerMinute);
    expect(burstAdmitted).toBeLessThanOrEqual(2 * readsPerMinute);
    await new Promise((r) => setTimeout(r, 500));
    expect([await me(backends.a.url, burstCookie), await me(backends.b.url, burstCookie)]).toEqual([429, 429]);
  });
});

/** GET on a new connection each time (node:cluster hands out connections, not requests). */
function getStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

describe('WORKLETS_WORKERS=2: one command, a cluster of two workers', () => {
  it('serves from two worker pids, restarts a worker that dies, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = startServer({ DATABASE_URL: db.connectionString, PORT: String(port), WORKLETS_WORKERS: '2' });
    await waitFor(server, /Worklets is running at .*2 worker processes/);
    for (let i = 0; i < 8; i++) expect(await getStatus(`${url}/api/trpc/users.me`)).toBe(401);
    const pids = [...server.output().matchAll(/worker \d+ \(pid (\d+)\) is listening/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(2);
    expect(new Set(requestLines(server).map((line) => line.pid))).toEqual(new Set(pids));

    process.kill(pids[0]!, 'SIGKILL');
    await waitFor(server, /exited unexpectedly \(SIGKILL\); restarting in 500 ms/);
    await waitFor(server, /is listening(.|\n)*is listening(.|\n)*is listening/);
    expect(await getStatus(`${url}/api/trpc/users.me`)).toBe(401);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('SIGTERM: telling 2 workers to finish requests in flight');
  });

  it('a busy port: one line, exit code 1, as a single process', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const server = startServer({ DATABASE_URL: db.connectionString, PORT: String(port), WORKLETS_WORKERS: '2' });
      expect(await server.exited).toBe(1);
      expect(server.output().trim().split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^error: port ${port} .*in use`)),
      ]);
    } finally {
      blocker.close();
    }
  });

  it('refuses several workers on the embedded database, in one line', async () => {
    const server = startServer({ WORKLETS_WORKERS: '2', PORT: String(await freePort()) });
    expect(await server.exited).toBe(1);
    expect(server.output().trim().split('\n')).toEqual([
      expect.stringMatching(/^error: WORKLETS_WORKERS .*DATABASE_URL/),
    ]);
  });
});
