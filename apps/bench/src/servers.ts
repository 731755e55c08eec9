/**
 * Child processes of the benchmark: the production Worklets server, the baseline server
 * and (with --embedded) the PGlite database. Each runs as `node --import tsx <script>`
 * (what the `tsx` command does, minus its wrapper process, so the pid is the server's),
 * with child-guard.ts preloaded so it ends when the benchmark does. Every child is
 * stopped on exit, on SIGINT/SIGTERM and on errors.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError, repoRoot } from './dataset.ts';

const tsxLoader = import.meta.resolve('tsx');
const childGuard = fileURLToPath(new URL('./child-guard.ts', import.meta.url));

const children = new Set<ChildProcess>();

/** Stops every child still running (synchronously: safe in an 'exit' handler). */
export function killAllChildren(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    }
  }
}

export type Child = {
  name: string;
  pid: number;
  /** The last lines it printed (stdout and stderr). */
  output(): string[];
  /** Lines that look like server errors (logged 500s), since start. */
  errorLines(): string[];
  /** CPU time used so far, in seconds (user + system), from /proc. */
  cpuSeconds(): number | null;
  exited(): boolean;
  /** How it ended ("code 1", "signal SIGKILL"), or null while it runs. */
  exitReason(): string | null;
  /** Whether the benchmark asked it to stop. */
  stopping(): boolean;
  stop(): Promise<void>;
};

const started: Child[] = [];

/** Children that ended without being asked to, with their last words (for error messages). */
export function unexpectedExits(): string[] {
  return started
    .filter((c) => c.exited() && !c.stopping())
    .map(
      (c) =>
        `${c.name} (pid ${c.pid}) ended unexpectedly (${c.exitReason()}); last output: ${
          c
            .output()
            .filter((l) => l.trim())
            .slice(-8)
            .join(' | ') || '(none)'
        }`,
    );
}

export type StartOptions = {
  name: string;
  script: string;
  env: Record<string, string | undefined>;
  /** The child is ready when a line matches; its first group is returned. */
  ready: RegExp;
  timeoutMs?: number;
  extraNodeArgs?: string[];
  cwd?: string;
};

const clockTicks = 100;

export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}

/** CPU seconds per process, for the processes `select` picks. */
export type CpuSample = Map<number, number>;

/**
 * CPU of the database: the PostgreSQL backends connected to database `dbName` (their
 * command line names it), or the embedded database's process.
 */
export function databaseCpuSampler(target: { dbName: string } | { pid: number }): () => CpuSample {
  return () => {
    const sample: CpuSample = new Map();
    if ('pid' in target) {
      const cpu = processCpuSeconds(target.pid);
      if (cpu !== null) sample.set(target.pid, cpu);
      return sample;
    }
    let entries: string[] = [];
    try {
      entries = readdirSync('/proc');
    } catch {
      return sample;
    }
    const pattern = `postgres: `;
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cmdline = readFileSync(join('/proc', entry, 'cmdline'), 'utf8').replace(/\0/g, ' ');
        if (!cmdline.startsWith(pattern) || !cmdline.split(' ').includes(target.dbName)) continue;
        const cpu = processCpuSeconds(Number(entry));
        if (cpu !== null) sample.set(Number(entry), cpu);
      } catch {
        // the process ended meanwhile
      }
    }
    return sample;
  };
}

/** CPU seconds the whole machine has been busy (all cores, from /proc/stat), or null. */
export function machineBusySeconds(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / clockTicks;
  } catch {
    return null;
  }
}

/** CPU seconds used between two samples by the processes present in both. */
export function cpuDelta(before: CpuSample, after: CpuSample): number {
  let total = 0;
  for (const [pid, cpu] of after) {
    const start = before.get(pid);
    if (start !== undefined) total += cpu - start;
  }
  return total;
}

export async function startChild(options: StartOptions): Promise<{ child: Child; match: string }> {
  const args = ['--import', tsxLoader, '--import', childGuard, ...(options.extraNodeArgs ?? []), options.script];
  const proc = spawn(process.execPath, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env, BENCH_PARENT_PID: String(process.pid) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  const lines: string[] = [];
  const errors: string[] = [];
  let onLine: ((line: string) => void) | null = null;
  const collect = (stream: NodeJS.ReadableStream) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length > 200) lines.shift();
        if (/^error\b|baseline error|\bError\b/.test(line) && errors.length < 1000) errors.push(line);
        onLine?.(line);
      }
    });
  };
  collect(proc.stdout!);
  collect(proc.stderr!);
  let reason: string | null = null;
  let stopping = false;
  const exit = new Promise<void>((resolve) =>
    proc.once('exit', (code, signal) => {
      reason = signal ? `signal ${signal}` : `code ${code}`;
      children.delete(proc);
      resolve();
    }),
  );

  const child: Child = {
    name: options.name,
    pid: proc.pid ?? -1,
    output: () => [...lines],
    errorLines: () => [...errors],
    cpuSeconds: () => (proc.pid ? processCpuSeconds(proc.pid) : null),
    exited: () => proc.exitCode !== null || proc.signalCode !== null,
    exitReason: () => reason,
    stopping: () => stopping,
    async stop() {
      stopping = true;
      if (child.exited()) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    },
  };

  started.push(child);
  const timeoutMs = options.timeoutMs ?? 90_000;
  try {
    const match = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new BenchError(`${options.name} did not start within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      onLine = (line) => {
        const m = options.ready.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] ?? line);
        }
      };
      for (const line of lines) onLine(line);
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        const last = lines.filter((l) => l.trim()).slice(-1)[0] ?? '';
        reject(new BenchError(`${options.name} exited during start-up (${signal ?? `code ${code}`}): ${last}`));
      });
      proc.once('error', (error) => {
        clearTimeout(timer);
        reject(new BenchError(`${options.name} could not be started: ${error.message}`));
      });
    });
    onLine = null;
    return { child, match };
  } catch (error) {
    await child.stop().catch(() => {});
    throw error;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export type RunningServer = {
  name: 'worklets' | 'baseline';
  child: Child;
  /** Where requests go (loopback). */
  baseUrl: string;
  /** The Origin the server accepts for writes. */
  origin: string;
  /** Headers every request sends (session cookie; origin and content type on writes). */
  headers: Record<string, string>;
};

export type WorkletsServerOptions = {
  databaseUrl: string;
  poolSize: number;
  authSecret: string;
  extraNodeArgs?: string[];
  extraEnv?: Record<string, string>;
};

/** The production server, apps/server/src/main.ts (via worklets-server.ts), with NODE_ENV=production. */
export async function startWorklets(options: WorkletsServerOptions): Promise<Omit<RunningServer, 'headers'>> {
  const port = await freePort();
  const { child } = await startChild({
    name: 'Worklets server',
    script: fileURLToPath(new URL('./worklets-server.ts', import.meta.url)),
    cwd: join(repoRoot, 'apps/server'),
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: options.databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: undefined,
      TRUSTED_ORIGINS: undefined,
      BETTER_AUTH_SECRET: options.authSecret,
      WORKLETS_DB_POOL_SIZE: String(options.poolSize),
      WORKLETS_WRITES_PER_MINUTE: '10000000',
      WORKLETS_SIGNIN_PER_MINUTE: '1000',
      WORKLETS_AUTH_PER_MINUTE: '100000',
      // The load generator is one user: the default per-user read limit (600/min) would refuse it.
      WORKLETS_READS_PER_MINUTE: '100000000',
      WORKLETS_ADMIN_EMAIL: undefined,
      WORKLETS_ADMIN_PASSWORD: undefined,
      ...options.extraEnv,
    },
    ready: /Worklets is running at (\S+)/,
    extraNodeArgs: options.extraNodeArgs,
  });
  return { name: 'worklets', child, baseUrl: `http://127.0.0.1:${port}`, origin: `http://localhost:${port}` };
}

export async function startBaseline(options: {
  databaseUrl: string;
  poolSize: number;
  actor: { id: number; name: string };
}): Promise<RunningServer> {
  const port = await freePort();
  const { child } = await startChild({
    name: 'baseline server',
    script: fileURLToPath(new URL('./baseline-server.ts', import.meta.url)),
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: options.databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      WORKLETS_DB_POOL_SIZE: String(options.poolSize),
      BENCH_ACTOR_ID: String(options.actor.id),
      BENCH_ACTOR_NAME: options.actor.name,
    },
    ready: /Baseline is running at (\S+)/,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  return { name: 'baseline', child, baseUrl, origin: baseUrl, headers: {} };
}

/** Signs in like the web app and the client package do; returns the session cookie. */
export async function signIn(server: Omit<RunningServer, 'headers'>, email: string, password: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${server.baseUrl}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.origin },
      body: JSON.stringify({ email, password }),
    });
  } catch (error) {
    throw new BenchError(`sign-in request failed: ${(error as Error).message}`);
  }
  if (!res.ok) throw new BenchError(`sign-in failed (${res.status}): ${(await res.text()).slice(0, 200)}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (!cookie.includes('worklets.session_token')) throw new BenchError('sign-in returned no session cookie');
  return cookie;
}
