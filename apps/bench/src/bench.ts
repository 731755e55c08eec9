/**
 * `pnpm bench`: the Worklets production server against a minimal baseline server, on the
 * same machine, the same data and the same database pool size.
 *
 *   1. the dataset (bulk seeder program) in a database of its own, reused when unchanged;
 *   2. a benchmark admin; both servers as child processes; sign-in for the session cookie;
 *   3. SQL statements per request, in-process (createCaller + onQuery), plus the session lookup;
 *   4. per workload and server: warm-up, then autocannon for a fixed time at fixed concurrency,
 *      then a one-connection latency probe; writes are undone after each run;
 *   5. a table on stdout, targets with PASS/MISS, JSON in apps/bench/results/.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { upsertUserWithPassword } from '@worklets/auth/accounts';
import { createPrismaClient } from '@worklets/db';
import pg from 'pg';
import {
  BenchError,
  type Dataset,
  ensureDataset,
  fullSize,
  quickSize,
  restoreDataset,
  vacuumDataset,
} from './dataset.ts';
import { type Latency, type LoadResult, probeUnloaded, runLoad } from './load.ts';
import { printProfile, profileNodeOptions } from './profile.ts';
import { type RunningServer, signIn, startBaseline, startWorklets } from './servers.ts';
import { countStatements, type StatementCounts } from './statements.ts';
import { type Workload, workloads } from './workloads.ts';

const log = (line: string) => console.log(`[bench] ${line}`);

function parseOptions() {
  const { values: v } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      ...{ quick: { type: 'boolean', default: false }, reseed: { type: 'boolean', default: false } },
      ...{ duration: { type: 'string' }, warmup: { type: 'string' }, only: { type: 'string' } },
      ...{ connections: { type: 'string', default: '20' }, 'pool-size': { type: 'string', default: '10' } },
      ...{ profile: { type: 'boolean', default: false }, worklets: { type: 'string' } },
    },
  });
  const names = v.only?.split(',').map((s) => s.trim()) ?? workloads.map((w) => w.name);
  const unknown = names.filter((n) => !workloads.some((w) => w.name === n));
  if (unknown.length) throw new BenchError(`unknown workload(s): ${unknown.join(', ')}`);
  // --worklets N: the program scaled to N worklets (mentors N/10, students 2N/5), in a database of its own.
  const n = Number(v.worklets ?? 0);
  if (v.worklets && !(Number.isInteger(n) && n >= 1000))
    throw new BenchError('--worklets takes a whole number >= 1000');
  const size = n ? { admins: 5, mentors: n / 10, students: (2 * n) / 5, worklets: n } : v.quick ? quickSize : fullSize;
  const database = n ? `worklets_bench_${n}` : v.quick ? 'worklets_bench_quick' : 'worklets_bench';
  return {
    ...{ quick: v.quick, reseed: v.reseed, connections: Number(v.connections), poolSize: Number(v['pool-size']) },
    ...{
      profile: v.profile,
      size: { ...size, mentors: Math.round(size.mentors), students: Math.round(size.students) },
    },
    duration: Number(v.duration ?? (v.quick ? 2 : 10)),
    warmup: Number(v.warmup ?? (v.quick ? 0.5 : 2)),
    workloads: workloads.filter((w) => names.includes(w.name)),
    databaseUrl: process.env.BENCH_DATABASE_URL || `postgresql://postgres@127.0.0.1:5432/${database}`,
  };
}
type Options = ReturnType<typeof parseOptions>;

type ServerRun = LoadResult & {
  /** One request at a time: latency without queueing (reads only). */
  unloadedMs: Latency | null;
  /** Statements per request counted by the server itself (baseline only). */
  statementsPerRequest: number | null;
};
type Report = { workload: Workload; worklets: ServerRun; baseline: ServerRun; rpsRatio: number; p99Ratio: number };

async function baselineStats(server: RunningServer): Promise<{ requests: number; statements: number }> {
  return (await fetch(`${server.baseUrl}/__stats`)).json() as Promise<{ requests: number; statements: number }>;
}

async function measure(options: Options, server: RunningServer, workload: Workload, dataset: Dataset, pool: pg.Pool) {
  const database = decodeURIComponent(new URL(dataset.url).pathname.slice(1));
  const load = { server, workload, facts: dataset.facts, connections: options.connections, pool, database };
  const undo = async () => {
    if (workload.kind === 'read') return;
    await restoreDataset(pool, dataset.seededMax);
    await vacuumDataset(pool);
  };
  if (options.warmup > 0) {
    await runLoad({ ...load, seconds: options.warmup });
    await undo();
  }
  const before = server.name === 'baseline' ? await baselineStats(server) : null;
  const result = await runLoad({ ...load, seconds: options.duration });
  const after = server.name === 'baseline' ? await baselineStats(server) : null;
  const unloadedMs =
    workload.kind === 'read' ? await probeUnloaded(server, workload, dataset.facts, options.quick ? 30 : 100) : null;
  await undo();
  const statementsPerRequest =
    before && after ? (after.statements - before.statements) / Math.max(1, after.requests - before.requests) : null;
  return { ...result, unloadedMs, statementsPerRequest };
}

// --- report --------------------------------------------------------------------------

const fmt = (n: number | null | undefined, digits = 1) => (n == null || Number.isNaN(n) ? '-' : n.toFixed(digits));
const int = (n: number) => Math.round(n).toLocaleString('en-US');

function errorsText(run: LoadResult, write: boolean): string {
  const parts = Object.entries(run.status)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, count]) =>
      write && code === '409'
        ? `409×${count} (${run.duplicates.got409 === count ? '' : `${run.duplicates.got409} `}dups)`
        : `${code}×${count}`,
    );
  if (run.timeouts) parts.push(`timeout×${run.timeouts}`);
  for (const [kind, count] of Object.entries(run.socketErrors)) parts.push(`${kind}×${count}`);
  return parts.join(' ') || 'none';
}

function table(rows: string[][], right: number[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

type Target = { pass: boolean; workload: string; target: string; measured: string };

function evaluateTargets(reports: Report[], statements: StatementCounts): Target[] {
  return reports.flatMap(({ workload: w, worklets: r, baseline: b, rpsRatio, p99Ratio }) => {
    const count = statements.byWorkload[w.name];
    const fiveXX = Object.entries(r.status).reduce((n, [code, c]) => n + (code.startsWith('5') ? c : 0), 0);
    const d = r.duplicates;
    // Issue 15: card and table pages at 0.8x of the baseline, single-row reads and writes at 0.5x.
    const least = w.cardPage ? 0.8 : 0.5;
    const rows: (readonly [boolean, string, string])[] = [
      [rpsRatio >= least, `req/s >= ${least}x baseline`, `${fmt(rpsRatio, 2)}x`],
      [
        p99Ratio <= 2,
        'p99 <= 2x baseline p99',
        `${fmt(p99Ratio, 2)}x (${fmt(r.latencyMs.p99)} vs ${fmt(b.latencyMs.p99)} ms)`,
      ],
      ...(w.cardPage
        ? ([
            [(count?.max ?? 99) <= 3, 'card page: <= 3 SQL statements', `${fmt(count?.perCall)} (max ${count?.max})`],
            [
              r.latencyMs.p50 < 20,
              'card page: p50 < 20 ms',
              `${fmt(r.latencyMs.p50)} ms (1-conn ${fmt(r.unloadedMs?.p50)})`,
            ],
          ] as const)
        : []),
      ...(w.kind !== 'read'
        ? ([
            [fiveXX === 0, 'assign: 0 server errors (5xx)', String(fiveXX)],
            [d.sent > 0 && d.got409 === d.sent, 'assign: duplicates -> 409', `${d.got409} of ${d.sent}`],
          ] as const)
        : []),
    ];
    return rows.map(([pass, target, measured]) => ({ pass, workload: w.name, target, measured }));
  });
}

function printReport(options: Options, dataset: Dataset, reports: Report[], statements: StatementCounts, pg: string) {
  const { size, counts } = dataset;
  console.log(
    `\nWorklets benchmark: ${int(size.worklets)} worklets, ${int(size.mentors)} mentors, ${int(size.students)} students ` +
      `(${int(counts.assignments)} assignments, ${int(counts.activeAssignments)} active; ${int(counts.events)} events)`,
  );
  console.log(
    `${options.connections} connections x ${options.duration} s per run (+${options.warmup} s warm-up), pool ${options.poolSize} per server; ` +
      `PostgreSQL ${pg}; Node ${process.version}; ${cpus().length} CPUs, load ${loadavg()[0]?.toFixed(1)}\n`,
  );
  const session = statements.session;
  const header = 'workload;server;req/s;p50 ms;p99 ms;1-conn p50;errors (non-2xx, timeouts, socket)';
  const rows = [`${header};vs baseline req/s | p99;SQL/req;CPU% srv|db|ac|other`.split(';')];
  for (const r of reports) {
    const count = statements.byWorkload[r.workload.name];
    const line = (run: ServerRun, label: string, ratio: string, sql: string) => {
      const cpu = run.cpuPercent;
      return [
        label === 'worklets' ? r.workload.name : '',
        label,
        fmt(run.rps, 0),
        fmt(run.latencyMs.p50),
        fmt(run.latencyMs.p99),
        fmt(run.unloadedMs?.p50),
        errorsText(run, r.workload.kind !== 'read'),
        ratio,
        sql,
        `${cpu.server}|${cpu.database}|${cpu.loadGenerator}|${cpu.other}`,
      ];
    };
    const sql = count ? `${fmt(count.perCall)} +${fmt(session.perCall, 0)} session` : '-';
    rows.push(line(r.worklets, 'worklets', `${fmt(r.rpsRatio, 2)}x | ${fmt(r.p99Ratio, 2)}x`, sql));
    rows.push(line(r.baseline, 'baseline', '', fmt(r.baseline.statementsPerRequest)));
  }
  console.log(table(rows, [2, 3, 4, 5]));
  console.log(`
req/s: responses of any status per second; p50/p99: latency of all responses under load; 1-conn p50: one request at a time.
SQL/req (worklets): statements per call in-process (createCaller + onQuery, BEGIN/COMMIT included) + the better-auth session lookup (${fmt(session.perCall)} statements, ${fmt(session.msPerCall, 2)} ms).
SQL/req (baseline): counted by the baseline itself. The baseline has NO authentication (no session lookup, Origin check or rate limit).
CPU%: of one core during the run: the server | its database backends | autocannon | everything else on the machine.`);
}

async function main() {
  const options = parseOptions();
  const startedAt = new Date();
  const dataset = await ensureDataset(options.databaseUrl, options.size, options.reseed, log);
  const pool = new pg.Pool({ connectionString: dataset.url, max: 2 });
  pool.on('error', () => {});
  const pgVersion = String((await pool.query('SHOW server_version')).rows[0]?.server_version);

  const password = randomBytes(18).toString('base64url');
  const db = createPrismaClient(dataset.url, { poolSize: 1 });
  const admin = await upsertUserWithPassword(db.prisma, {
    email: 'bench-admin@worklets.example',
    name: 'Bench Admin',
    role: 'admin',
    password,
  });
  await db.prisma.session.deleteMany({ where: { userId: admin.id } });
  await db.close();

  log('starting the Worklets production server and the baseline');
  const authSecret = randomBytes(32).toString('base64url');
  const profileDir = fileURLToPath(
    new URL(`../results/profile-${startedAt.toISOString().replace(/[:.]/g, '-')}`, import.meta.url),
  );
  const nodeOptions = options.profile ? profileNodeOptions(profileDir) : undefined;
  const worklets: RunningServer = await startWorklets(dataset.url, options.poolSize, authSecret, nodeOptions);
  worklets.headers = { cookie: await signIn(worklets, admin.email, password) };
  const baseline: RunningServer = await startBaseline(dataset.url, options.poolSize, admin);

  log('counting SQL statements per call in-process');
  const statements = await countStatements({
    dataset,
    admin: { id: admin.id, name: admin.name, email: admin.email, role: 'admin' },
    workloads: options.workloads,
    calls: options.quick ? 20 : 100,
    session: { cookie: worklets.headers.cookie!, secret: authSecret, baseURL: worklets.origin },
  });
  await vacuumDataset(pool);

  const reports: Report[] = [];
  for (const workload of options.workloads) {
    const runs: ServerRun[] = [];
    for (const server of [worklets, baseline]) {
      const run = await measure(options, server, workload, dataset, pool);
      log(
        `${workload.name.padEnd(20)} ${server.name.padEnd(8)} ${fmt(run.rps, 0).padStart(6)} req/s  p50 ${fmt(run.latencyMs.p50)} ms  p99 ${fmt(run.latencyMs.p99)} ms`,
      );
      runs.push(run);
    }
    const [w, b] = runs as [ServerRun, ServerRun];
    const ratios = { rpsRatio: w.rps / b.rps, p99Ratio: w.latencyMs.p99 / b.latencyMs.p99 };
    reports.push({ workload, worklets: w, baseline: b, ...ratios });
  }
  await Promise.all([worklets.stop(), baseline.stop()]);

  const targets = evaluateTargets(reports, statements);
  printReport(options, dataset, reports, statements, pgVersion);
  console.log('\nTargets:');
  for (const t of targets)
    console.log(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.workload.padEnd(20)} ${t.target.padEnd(40)} ${t.measured}`);
  // The web app's JavaScript as users download it (gzip, like the server's static handler).
  const assets = new URL('../../web/dist/assets/', import.meta.url);
  const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
  const gzip = (f: string) => gzipSync(readFileSync(new URL(f, assets))).length;
  const bundle = { files: js.length, gzipKiB: js.reduce((n, f) => n + gzip(f), 0) / 1024 };
  console.log(`\nWeb bundle (apps/web/dist/assets/*.js): ${bundle.gzipKiB.toFixed(1)} KiB gzip`);
  if (options.profile) printProfile(profileDir);
  const errors = worklets.errorLines;
  if (errors.length) console.log(`\nWorklets server logged ${errors.length} error line(s); first: ${errors[0]}`);

  const dir = new URL('../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`, dir);
  const results = reports.map((r) => ({ ...r, workload: r.workload.name }));
  const run = { startedAt, options: { ...options, workloads: options.workloads.map((w) => w.name) }, pgVersion };
  const json = { ...run, node: process.version, dataset: { size: dataset.size, counts: dataset.counts } };
  writeFileSync(file, JSON.stringify({ ...json, statements, results, targets, bundle }, null, 2));
  console.log(`\nJSON: ${file.pathname}\ntargets: ${targets.filter((t) => t.pass).length} PASS of ${targets.length}`);
  await pool.end();
}

main().catch((error: unknown) => {
  const message = error instanceof BenchError ? error.message : ((error as Error)?.stack ?? String(error));
  console.error(`bench error: ${message}`);
  process.exit(1);
});
