/**
 * The two servers under test, as child processes managed by execa (which also stops them
 * when the benchmark ends, however it ends):
 * - Worklets: apps/server/start.sh, the production entry point (`node dist/main.js`,
 *   NODE_ENV=production), so the benchmark measures what `pnpm start` runs;
 * - the baseline: src/baseline-server.ts under tsx.
 * And the CPU time of the server, of the database backends and of the whole machine.
 */
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import getPort from 'get-port';
import type pg from 'pg';
import pidusage from 'pidusage';
import { BenchError } from './dataset.ts';

export type RunningServer = {
  name: 'worklets' | 'baseline';
  pid: number;
  /** Where requests go (loopback), the Origin it accepts for writes, headers for every request (cookie). */
  baseUrl: string;
  origin: string;
  headers: Record<string, string>;
  /** Output lines that report an error, since start. */
  errorLines: string[];
  stop(): Promise<void>;
};

async function startChild(
  name: RunningServer['name'],
  file: string,
  args: string[],
  env: Record<string, string | undefined>,
  ready: RegExp,
): Promise<Omit<RunningServer, 'baseUrl' | 'origin' | 'headers'>> {
  const options = { env, stdin: 'ignore', all: true, buffer: false, reject: false, forceKillAfterDelay: 5000 } as const;
  const child: ResultPromise = execa(file, args, options);
  const lines: string[] = [];
  const errorLines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    setTimeout(() => reject(new BenchError(`${name} did not start within 90 s`)), 90_000).unref();
    void (async () => {
      for await (const chunk of child.iterable({ from: 'all' })) {
        const line = String(chunk);
        lines.push(line);
        if (/^error\b|\bError\b/.test(line)) errorLines.push(line);
        if (ready.test(line)) resolve();
      }
      reject(new BenchError(`${name} ended: ${lines.slice(-5).join(' | ')}`));
    })();
  });
  const stop = () => child.kill('SIGTERM') && child.then(() => {});
  return { name, pid: child.pid!, errorLines, stop: async () => void (await stop()) };
}

const serverDir = fileURLToPath(new URL('../../server/', import.meta.url));

/** The production server (apps/server/start.sh runs the build), NODE_ENV=production. */
export async function startWorklets(databaseUrl: string, poolSize: number, authSecret: string, nodeOptions?: string) {
  const port = await getPort();
  const env = {
    NODE_OPTIONS: nodeOptions,
    ...{ DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', BETTER_AUTH_SECRET: authSecret },
    ...{ PUBLIC_URL: undefined, TRUSTED_ORIGINS: undefined, WORKLETS_ADMIN_EMAIL: undefined },
    ...{ WORKLETS_ADMIN_PASSWORD: undefined, WORKLETS_DB_POOL_SIZE: String(poolSize) },
    ...{ WORKLETS_WRITES_PER_MINUTE: '10000000', WORKLETS_SIGNIN_PER_MINUTE: '1000' },
    // The load generator is one user: the default per-user read limit (600/min) would refuse it.
    ...{ WORKLETS_AUTH_PER_MINUTE: '100000', WORKLETS_READS_PER_MINUTE: '100000000' },
  };
  const child = await startChild('worklets', `${serverDir}start.sh`, [], env, /Worklets is running at/);
  return { ...child, baseUrl: `http://127.0.0.1:${port}`, origin: `http://localhost:${port}`, headers: {} };
}

export async function startBaseline(databaseUrl: string, poolSize: number, actor: { id: number; name: string }) {
  const port = await getPort();
  const script = fileURLToPath(new URL('./baseline-server.ts', import.meta.url));
  const env = {
    ...{ DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', WORKLETS_DB_POOL_SIZE: String(poolSize) },
    ...{ BENCH_ACTOR_ID: String(actor.id), BENCH_ACTOR_NAME: actor.name },
  };
  const child = await startChild('baseline', process.execPath, ['--import', 'tsx', script], env, /Baseline is running/);
  const baseUrl = `http://127.0.0.1:${port}`;
  return { ...child, baseUrl, origin: baseUrl, headers: {} };
}

/** Signs in like the web app does; returns the session cookie. */
export async function signIn(server: RunningServer, email: string, password: string): Promise<string> {
  const res = await fetch(`${server.baseUrl}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.origin },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new BenchError(`sign-in failed (${res.status}): ${(await res.text()).slice(0, 200)}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (!cookie.includes('session_token')) throw new BenchError('sign-in returned no session cookie');
  return cookie;
}

/** CPU seconds used so far: by the server, by the database backends of `database`, by the whole machine. */
export type CpuSample = { server: number; database: Map<number, number>; machine: number; self: number };

export async function sampleCpu(server: RunningServer, pool: pg.Pool, database: string): Promise<CpuSample> {
  const { rows } = await pool.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [database],
  );
  const stats = await pidusage([server.pid, ...rows.map((r) => r.pid)]).catch(() => ({}) as Record<string, never>);
  const seconds = (pid: number) => (stats[pid]?.ctime ?? 0) / 1000;
  const machine = cpus().reduce((sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0) / 1000;
  const { user, system } = process.cpuUsage();
  const backends = new Map(rows.map((r) => [r.pid, seconds(r.pid)]));
  return { server: seconds(server.pid), database: backends, machine, self: (user + system) / 1e6 };
}

export type CpuPercent = { server: number; database: number; loadGenerator: number; other: number };

/** CPU use between two samples, in % of one core. */
export function cpuPercent(before: CpuSample, after: CpuSample, seconds: number): CpuPercent {
  let database = 0;
  for (const [pid, cpu] of after.database) database += cpu - (before.database.get(pid) ?? cpu);
  const server = after.server - before.server;
  const self = after.self - before.self;
  const other = after.machine - before.machine - server - database - self;
  const pct = (s: number) => Math.max(0, Math.round((s / seconds) * 100));
  return { server: pct(server), database: pct(database), loadGenerator: pct(self), other: pct(other) };
}
