/**
 * What `bench` and `explain` share: command-line options, the database (real PostgreSQL
 * or embedded PGlite in a child process) with the dataset, the benchmark admin, and
 * clean-up of child processes on every way out.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { SessionUser } from '@worklets/api';
import { upsertUserWithPassword } from '@worklets/auth/accounts';
import { createPrismaClient } from '@worklets/db';
import { BenchError, type Dataset, ensureDataset, fullSize, quickSize, redact } from './dataset.ts';
import { type Child, killAllChildren, startChild, unexpectedExits } from './servers.ts';
import { type Workload, workloads } from './workloads.ts';

export const defaultDatabaseUrl = 'postgresql://postgres@127.0.0.1:5432/worklets_bench';

export type Options = {
  quick: boolean;
  duration: number;
  connections: number;
  warmup: number;
  poolSize: number;
  embedded: boolean;
  reseed: boolean;
  profile: boolean;
  workloads: Workload[];
  databaseUrl: string;
};

const usage = `usage: pnpm bench [--quick] [--duration S] [--connections N] [--warmup S] [--pool-size N]
                  [--only w1,w2] [--embedded] [--reseed] [--profile]
  --quick         2 s per run and a 2,000-worklet dataset (smoke run)
  --duration S    seconds per measured run (default 10; quick 2)
  --connections N concurrent connections (default 20)
  --warmup S      unmeasured seconds before each run (default 2; quick 0.5)
  --pool-size N   database pool of both servers (default 10)
  --only LIST     run only these workloads: ${workloads.map((w) => w.name).join(', ')}
  --embedded      use the embedded database (PGlite, in memory, loaded every run)
  --reseed        drop and load the dataset even if the database already holds it
  --profile       CPU-profile the Worklets server (.cpuprofile in apps/bench/results)
environment: BENCH_DATABASE_URL (default ${defaultDatabaseUrl}; --quick uses worklets_bench_quick)`;

export function parseOptions(argv: string[]): Options {
  // biome-ignore lint/suspicious/noImplicitAnyLet: the type is parseArgs' result, set in the try below
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.filter((a) => a !== '--'),
      options: {
        quick: { type: 'boolean', default: false },
        duration: { type: 'string' },
        connections: { type: 'string' },
        warmup: { type: 'string' },
        'pool-size': { type: 'string' },
        only: { type: 'string' },
        embedded: { type: 'boolean', default: false },
        reseed: { type: 'boolean', default: false },
        profile: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new BenchError(`${(error as Error).message}\n${usage}`);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const number = (raw: string | undefined, fallback: number, min: number, max: number, name: string) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new BenchError(`--${name} must be a number from ${min} to ${max} (got "${raw}")`);
    return n;
  };
  const quick = values.quick;
  let selected = workloads;
  if (values.only) {
    const names = values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = names.filter((n) => !workloads.some((w) => w.name === n));
    if (unknown.length)
      throw new BenchError(
        `unknown workload(s): ${unknown.join(', ')} (known: ${workloads.map((w) => w.name).join(', ')})`,
      );
    selected = workloads.filter((w) => names.includes(w.name));
  }
  let databaseUrl = process.env.BENCH_DATABASE_URL || defaultDatabaseUrl;
  if (!process.env.BENCH_DATABASE_URL && quick)
    databaseUrl = databaseUrl.replace(/\/worklets_bench$/, '/worklets_bench_quick');
  try {
    const u = new URL(databaseUrl);
    if (u.protocol !== 'postgresql:' && u.protocol !== 'postgres:') throw new Error('not postgresql://');
  } catch {
    throw new BenchError(`BENCH_DATABASE_URL is not a postgresql:// URL: ${redact(databaseUrl)}`);
  }
  return {
    quick,
    duration: number(values.duration, quick ? 2 : 10, 1, 120, 'duration'),
    connections: Math.round(number(values.connections, 20, 1, 1000, 'connections')),
    warmup: number(values.warmup, quick ? 0.5 : 2, 0, 60, 'warmup'),
    poolSize: Math.round(number(values['pool-size'], 10, 1, 200, 'pool-size')),
    embedded: values.embedded,
    reseed: values.reseed,
    profile: values.profile,
    workloads: selected,
    databaseUrl,
  };
}

/** Child processes are stopped on exit, Ctrl-C and kill; errors print one line. */
export function installExitHandlers(): void {
  process.on('exit', () => killAllChildren('SIGTERM'));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`\ninterrupted (${signal}): stopping the servers`);
      killAllChildren('SIGTERM');
      process.exit(130);
    });
  }
}

export function fail(error: unknown): never {
  const message = error instanceof BenchError ? error.message : ((error as Error)?.stack ?? String(error));
  console.error(`bench error: ${message}`);
  for (const line of unexpectedExits()) console.error(`  ${line}`);
  killAllChildren('SIGTERM');
  process.exit(1);
}

export type PreparedDatabase = { url: string; dataset: Dataset; description: string; embedded: Child | null };

export async function prepareDatabase(options: Options, log: (line: string) => void): Promise<PreparedDatabase> {
  const size = options.quick ? quickSize : fullSize;
  if (!options.embedded) {
    const dataset = await ensureDataset({ url: options.databaseUrl, size, reseed: options.reseed, log });
    return {
      url: options.databaseUrl,
      dataset,
      description: `PostgreSQL ${redact(options.databaseUrl)}`,
      embedded: null,
    };
  }
  log('starting the embedded database (PGlite, in memory)');
  const { child, match } = await startChild({
    name: 'embedded database',
    script: fileURLToPath(new URL('./embedded-db.ts', import.meta.url)),
    env: {},
    ready: /PGlite ready at (\S+)/,
  });
  const dataset = await ensureDataset({ url: match, size, embedded: true, log });
  return { url: match, dataset, description: 'embedded PGlite (in memory, one session)', embedded: child };
}

export const benchAdmin = { email: 'bench-admin@worklets.example', name: 'Bench Admin' };

/** The benchmark's admin, with a fresh random password; its old sessions are removed. */
export async function prepareAdmin(url: string): Promise<{ user: SessionUser; password: string }> {
  const password = randomBytes(18).toString('base64url');
  const db = createPrismaClient(url, { poolSize: 1 });
  try {
    const user = await upsertUserWithPassword(db.prisma, { ...benchAdmin, role: 'admin', password });
    await db.prisma.session.deleteMany({ where: { userId: user.id } });
    return { user: { id: user.id, name: user.name, email: user.email, role: 'admin' }, password };
  } finally {
    await db.close();
  }
}
