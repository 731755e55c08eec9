/**
 * Real processes against the embedded database and against servers that are not
 * PostgreSQL: the product's server (`tsx apps/server/src/main.ts`), `create-admin` and the
 * data-layer CLI, each spawned as its own process with its own environment.
 *   - issue 11 finding 5: one process per embedded database (a CLI, a second server);
 *   - issue 11 finding 6: a non-PostgreSQL server at DATABASE_URL is one line, exit 1;
 *   - security finding 4: the embedded database is closed to other local users;
 *   - security finding 10: no password from DATABASE_URL is ever printed;
 *   - issue 11 finding 9 and security finding 9 through the real HTTP server.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runDirectoryOf, startEmbeddedPostgres } from '../src/embedded.ts';
import { createEmptyDatabase } from '../src/testing/test-database.ts';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 240_000 });

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** Where `--import tsx` resolves (a dependency of this package). */
const packageDir = fileURLToPath(new URL('../', import.meta.url));
const secret = 'x'.repeat(40);

type Result = { code: number; stdout: string; stderr: string };

/** Runs a TypeScript entry point of the repository to its end. */
function run(entry: string, args: string[], env: Record<string, string>): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, entry), ...args],
      { cwd: packageDir, env: { ...cleanEnv(), ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

/** The environment without the test runner's database settings and npm's script name. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k === 'DATABASE_URL' || k.startsWith('npm_') || k.startsWith('WORKLETS_')) continue;
    env[k] = v;
  }
  return { ...env, NODE_ENV: 'test' };
}

type Server = { child: ChildProcess; url: string; output: () => string; stop(): Promise<number | null> };

/** A TCP port free right now (the server's PUBLIC_URL must carry its real port for the origin check). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts the product's server; resolves once it listens (or rejects with its output when it exits first). */
async function startServer(env: Record<string, string>): Promise<Server> {
  const port = String(await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'apps/server/src/main.ts')], {
    cwd: packageDir,
    env: { ...cleanEnv(), PORT: port, BETTER_AUTH_SECRET: secret, npm_lifecycle_event: 'start', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearInterval(timer);
        resolve({ child, url: match[1]!, output: () => output, stop });
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(timer);
      reject(Object.assign(new Error(`server exited (${code}): ${output}`), { code, output }));
    });
  });
}

async function serverExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  try {
    const server = await startServer(env);
    await server.stop();
    throw new Error(`the server started: ${server.output()}`);
  } catch (error) {
    const { code, output } = error as { code?: number | null; output?: string };
    if (output === undefined) throw error;
    return { code: code ?? null, output };
  }
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

/** Inode numbers of the TCP sockets `pid` listens on. */
async function listeningTcpSockets(pid: number): Promise<number> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m) inodes.add(m[1]!);
  }
  let count = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A' && inodes.has(cols[9]!)) count++;
    }
  }
  return count;
}

async function modes(dir: string): Promise<{ path: string; mode: number; dir: boolean }[]> {
  const out: { path: string; mode: number; dir: boolean }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push({ path, mode: (await stat(path)).mode & 0o777, dir: true });
      out.push(...(await modes(path)));
    } else if (entry.isFile()) out.push({ path, mode: (await stat(path)).mode & 0o777, dir: false });
  }
  return out;
}

describe('one process per embedded database, closed to other users', () => {
  let home: string;
  let dataDir: string;
  let server: Server;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'worklets-embedded-'));
    dataDir = join(home, '.data', 'pglite');
    // An admin to sign in as (before the server holds the database).
    const admin = await run('packages/auth/src/create-admin.ts', ['--email', 'first.admin@example.test'], {
      WORKLETS_DATA_DIR: dataDir,
      WORKLETS_ADMIN_PASSWORD: 'first passphrase',
    });
    expect(admin).toMatchObject({ code: 0, stderr: '' });
    server = await startServer({ WORKLETS_DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await server?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('issue 11 finding 5: a CLI (create-admin, db:seed) while the server holds the database stops at once with one line naming it, exit 1, nothing lost', async () => {
    const pid = server.child.pid!;
    const inUse = new RegExp(
      `^error: the embedded database in ${dataDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is in use by process ${pid} \\(pnpm start\\): stop it first$`,
    );
    const admin = await run('packages/auth/src/create-admin.ts', ['--email', 'late.admin@example.test'], {
      WORKLETS_DATA_DIR: dataDir,
      WORKLETS_ADMIN_PASSWORD: 'a long passphrase',
    });
    expect(admin.code).toBe(1);
    expect(admin.stdout).toBe('');
    expect(lines(admin.stderr)).toHaveLength(1);
    expect(admin.stderr.trim()).toMatch(inUse);
    const seed = await run('packages/db/src/cli.ts', ['seed'], { WORKLETS_DATA_DIR: dataDir });
    expect(seed.code).toBe(1);
    expect(seed.stderr.trim()).toMatch(inUse);
    // The server still serves, and once it is stopped the same command works and its write stays.
    expect((await fetch(`${server.url}/api/trpc/health`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
    const again = await run('packages/auth/src/create-admin.ts', ['--email', 'late.admin@example.test'], {
      WORKLETS_DATA_DIR: dataDir,
      WORKLETS_ADMIN_PASSWORD: 'a long passphrase',
    });
    expect(again.stderr).toBe('');
    expect(again.stdout).toMatch(/^admin ready: late\.admin@example\.test/);
    expect(again.code).toBe(0);
    server = await startServer({ WORKLETS_DATA_DIR: dataDir });
    const signIn = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ email: 'late.admin@example.test', password: 'a long passphrase' }),
    });
    expect(signIn.status).toBe(200);
  });

  it('issue 11 finding 5: a second server on the same database stops at once with one line, exit 1; a stale lock (dead process) is taken over', async () => {
    const second = await serverExit({ WORKLETS_DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expect(lines(second.output)).toEqual([
      `error: the embedded database in ${dataDir} is in use by process ${server.child.pid} (pnpm start): stop it first`,
    ]);
    expect((await fetch(`${server.url}/api/trpc/health`)).status).toBe(200);

    // A lock left by a process that no longer exists does not block anyone.
    expect(await server.stop()).toBe(0);
    // A clean stop removes the run directory; a crash leaves it with the lock inside.
    expect(await readdir(join(home, '.data'))).toEqual(['pglite']);
    await mkdir(runDirectoryOf(dataDir), { mode: 0o700 });
    const lockPath = join(runDirectoryOf(dataDir), 'lock');
    await writeFile(lockPath, JSON.stringify({ pid: 2_000_000_000, command: 'pnpm start' }));
    const migrate = await run('packages/db/src/cli.ts', ['migrate'], { WORKLETS_DATA_DIR: dataDir });
    expect(migrate).toMatchObject({ code: 0, stderr: '' });
    server = await startServer({ WORKLETS_DATA_DIR: dataDir });
  });

  it('security finding 4: the database is served on a Unix socket in a 0700 directory (no TCP port but HTTP), .data is 0700 and its files 0600', async () => {
    // The only TCP socket the server listens on is its HTTP port.
    expect(await listeningTcpSockets(server.child.pid!)).toBe(1);
    const runDir = runDirectoryOf(dataDir);
    expect((await readdir(runDir)).sort()).toEqual(['.s.PGSQL.5432', 'lock']);
    expect((await stat(join(home, '.data'))).mode & 0o777).toBe(0o700);
    const tree = await modes(join(home, '.data'));
    expect(tree.filter((e) => !e.dir).length).toBeGreaterThan(100);
    expect(tree.filter((e) => e.dir && e.mode !== 0o700)).toEqual([]);
    expect(tree.filter((e) => !e.dir && e.mode !== 0o600)).toEqual([]);
    // Not a TCP server: only a process of this user reaching the socket in the 0700 directory gets in.
    const client = new pg.Client({ host: runDir, port: 5432, user: 'postgres', database: 'postgres' });
    await client.connect();
    expect((await client.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBeGreaterThan(0);
    await client.end();
  });

  it('issue 11 finding 9 and security finding 9: through the real HTTP server, __proto__ / constructor / prototype keys and NUL bytes are 400s', async () => {
    const signIn = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ email: 'first.admin@example.test', password: 'first passphrase' }),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const count = async () => {
      const res = await fetch(
        `${server.url}/api/trpc/worklets.list?input=${encodeURIComponent('{"json":{"limit":1}}')}`,
        {
          headers: { cookie },
        },
      );
      expect(res.status).toBe(200);
      return res;
    };
    await count();
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      // Raw JSON text: a JavaScript object literal would turn "__proto__" into a prototype.
      const body = `{"json":{"title":"Polluted","idempotencyKey":"${randomUUID()}","${key}":{"isAdmin":true}}}`;
      const res = await fetch(`${server.url}/api/trpc/worklets.create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.url, cookie },
        body,
      });
      // Errors are superjson-encoded: { error: { json: { message, code, data } } }.
      const json = (await res.json()) as {
        error: { json: { data: { code: string; zodError: { formErrors: string[] } } } };
      };
      expect(`${key}: ${res.status}`).toBe(`${key}: 400`);
      expect(json.error.json.data.code).toBe('BAD_REQUEST');
      expect(json.error.json.data.zodError.formErrors.join(' ')).toContain(key);
    }
    const nul = await fetch(
      `${server.url}/api/trpc/worklets.list?input=${encodeURIComponent(JSON.stringify({ json: { search: 'a\u0000b' } }))}`,
      { headers: { cookie } },
    );
    expect(nul.status).toBe(400);
    const nulJson = (await nul.json()) as { error: { json: { data: { code: string } } } };
    expect(nulJson.error.json.data.code).toBe('BAD_REQUEST');
    expect(server.output()).not.toMatch(/Internal server error|\n\s+at /);
  });
});

describe('a data directory outside .data', () => {
  it('security finding 4: gets 0700 itself and leaves its parent as it was (WORKLETS_DATA_DIR=/tmp/x never changes /tmp)', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'worklets-parent-'));
    try {
      await chmod(parent, 0o755);
      const embedded = await startEmbeddedPostgres(join(parent, 'db'));
      expect((await stat(join(parent, 'db.run'))).mode & 0o777).toBe(0o700);
      await embedded.stop();
      expect((await stat(parent)).mode & 0o777).toBe(0o755);
      expect((await stat(join(parent, 'db'))).mode & 0o777).toBe(0o700);
      // Stopped: the socket, the lock and their directory are gone; the data stays.
      expect((await readdir(parent)).sort()).toEqual(['db']);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});

describe('start-up errors', () => {
  it('issue 11 finding 6: a DATABASE_URL server that is not PostgreSQL (MariaDB, Redis) is one line and exit 1', async () => {
    for (const [port, why] of [
      [3306, 'it answered like another kind of server'],
      [6379, 'no PostgreSQL answer within 3 s'],
    ] as const) {
      const result = await serverExit({ DATABASE_URL: `postgresql://root@127.0.0.1:${port}/worklets` });
      expect(result.code).toBe(1);
      expect(lines(result.output)).toEqual([
        `error: DATABASE_URL points to 127.0.0.1:${port}, which is not a PostgreSQL server (${why}): check the host and port`,
      ]);
    }
  });

  it('security finding 10: a password in DATABASE_URL (userinfo or ?password=) is never printed, on start or on failure', async () => {
    const db = await createEmptyDatabase();
    try {
      const url = new URL(db.connectionString);
      url.username = url.username || 'postgres';
      url.password = 'userinfo-s3cret';
      url.searchParams.set('password', 'query-s3cret');
      const server = await startServer({ DATABASE_URL: url.toString() });
      const output = server.output();
      expect(await server.stop()).toBe(0);
      expect(output).toMatch(/database: postgresql:\/\/\w+:\*\*\*@/);
      expect(output).toContain('password=***');
      expect(output).not.toMatch(/s3cret/);
      // The same URL on an unreachable port: the error line has no secret either.
      url.port = '1';
      const failed = await serverExit({ DATABASE_URL: url.toString() });
      expect(failed.code).toBe(1);
      expect(failed.output).toMatch(/^error: /);
      expect(failed.output).not.toMatch(/s3cret/);
      const cli = await run('packages/db/src/cli.ts', ['migrate'], { DATABASE_URL: url.toString() });
      expect(cli.code).toBe(1);
      expect(`${cli.stdout}${cli.stderr}`).not.toMatch(/s3cret/);
    } finally {
      await db.drop();
    }
  });
});
