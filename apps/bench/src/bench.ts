/**
 * `pnpm bench`: the Worklets production server against a minimal baseline server, on the
 * same machine, the same data and the same database pool size.
 *
 *   1. the dataset (bulk seeder program) in a database of its own, reused when unchanged;
 *   2. a benchmark admin; the production server (NODE_ENV=production) and the baseline
 *      as child processes; sign-in for the session cookie;
 *   3. equivalence: both servers answer the same sample calls with the same JSON;
 *   4. SQL statements per request, in-process (createCaller + onQuery), and the session
 *      lookup's own statements (better-auth getSession);
 *   5. per workload and server: warm-up, then autocannon for a fixed time at fixed
 *      concurrency; then a one-connection latency probe; writes are undone after each run;
 *   6. a table on stdout, targets with PASS/MISS, JSON in apps/bench/results/.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import superjson from 'superjson';
import { type BundleReport, webBundleSize } from './bundle.ts';
import { BenchError, type Dataset, type DatasetFacts, restoreDataset, vacuumDataset } from './dataset.ts';
import { type Latency, type LoadResult, probeUnloaded, runLoad, send } from './load.ts';
import { type ProfileSummary, summarizeProfile } from './profile.ts';
import {
  type CpuSample,
  databaseCpuSampler,
  type RunningServer,
  signIn,
  startBaseline,
  startWorklets,
} from './servers.ts';
import { fail, installExitHandlers, type Options, parseOptions, prepareAdmin, prepareDatabase } from './setup.ts';
import { countStatements, type StatementCounts } from './statements.ts';
import { type Call, seededRandom, type Workload } from './workloads.ts';

const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
const log = (line: string) => console.log(`[bench] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type ServerRun = LoadResult & {
  /** With --profile (Worklets only): where its CPU time went during the measured run. */
  profile: ProfileSummary | null;
  /** One request at a time: latency without queueing (reads only). */
  unloadedMs: Latency | null;
  /** Statements per request counted by the server itself (baseline only). */
  statementsPerRequest: number | null;
};

type WorkloadReport = {
  name: Workload['name'];
  title: string;
  kind: Workload['kind'];
  worklets: ServerRun;
  baseline: ServerRun;
  ratio: { rps: number; p99: number; p50: number };
};

type Target = { pass: boolean; workload: string; target: string; measured: string };

// ---------------------------------------------------------------------------------------

/** The value of a tRPC answer (superjson decoded, keys sorted), for comparing the two servers. */
function canonical(body: string): string {
  const parsed = JSON.parse(body) as {
    result?: { data: Parameters<typeof superjson.deserialize>[0] };
    error?: unknown;
  };
  const value = parsed.result ? superjson.deserialize(parsed.result.data) : parsed;
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shape(v)]),
    );
  return typeof value;
}

type Equivalence = { workload: string; calls: number; identical: number; firstDifference: string | null };

async function checkEquivalence(
  worklets: RunningServer,
  baseline: RunningServer,
  facts: DatasetFacts,
  selected: Workload[],
  pool: pg.Pool,
  dataset: Dataset,
): Promise<Equivalence[]> {
  const results: Equivalence[] = [];
  for (const workload of selected) {
    if (workload.kind !== 'read') continue;
    const next = workload.generator(facts, seededRandom(7));
    const report: Equivalence = { workload: workload.name, calls: 0, identical: 0, firstDifference: null };
    for (let i = 0; i < 5; i++) {
      const call = next();
      const [a, b] = await Promise.all([send(worklets, call), send(baseline, call)]);
      report.calls++;
      const same = a.status === b.status && a.status === 200 && canonical(a.body) === canonical(b.body);
      if (same) report.identical++;
      else
        report.firstDifference ??= `${JSON.stringify(call.input)}: worklets ${a.status} ${a.body.slice(0, 300)} | baseline ${b.status} ${b.body.slice(0, 300)}`;
    }
    results.push(report);
  }
  if (selected.some((w) => w.kind !== 'read')) {
    // Assign: a fresh pair on each (same answer shape), then a duplicate (409 from both).
    const write = selected.find((w) => w.kind !== 'read')!;
    const next = write.generator(facts, seededRandom(11));
    let fresh: Call = next();
    while (fresh.expectConflict) fresh = next();
    let fresh2: Call = next();
    while (fresh2.expectConflict) fresh2 = next();
    const [pairMentor, pairWorklet] = facts.activePairs[0]!;
    const duplicate: Call = {
      procedure: 'assignments.assign',
      type: 'mutation',
      input: { workletId: pairWorklet, mentorId: pairMentor },
      expectConflict: true,
    };
    const a = await send(worklets, fresh);
    const b = await send(baseline, fresh2);
    const report: Equivalence = { workload: 'assign', calls: 2, identical: 0, firstDifference: null };
    const shapeOf = (body: string) =>
      JSON.stringify(shape(superjson.deserialize((JSON.parse(body) as { result: { data: never } }).result.data)));
    if (a.status === 200 && b.status === 200 && shapeOf(a.body) === shapeOf(b.body)) report.identical++;
    else
      report.firstDifference = `fresh pair: worklets ${a.status} ${a.body.slice(0, 300)} | baseline ${b.status} ${b.body.slice(0, 300)}`;
    const [c, d] = [await send(worklets, duplicate), await send(baseline, duplicate)];
    if (c.status === 409 && d.status === 409) report.identical++;
    else
      report.firstDifference ??= `duplicate: worklets ${c.status} ${c.body.slice(0, 200)} | baseline ${d.status} ${d.body.slice(0, 200)}`;
    results.push(report);
    await restoreDataset(pool, dataset.seededMax);
  }
  return results;
}

async function baselineStats(server: RunningServer): Promise<{ requests: number; statements: number } | null> {
  try {
    const res = await fetch(`${server.baseUrl}/__stats`);
    return (await res.json()) as { requests: number; statements: number };
  } catch {
    return null;
  }
}

/** Profiles the Worklets server during measured runs (profiler-hook.ts, toggled by SIGUSR2). */
class Profiler {
  private count = 0;
  constructor(readonly dir: string) {}
  async start(server: RunningServer) {
    process.kill(server.child.pid, 'SIGUSR2');
    await sleep(100);
  }
  async stop(server: RunningServer, name: string): Promise<ProfileSummary | null> {
    process.kill(server.child.pid, 'SIGUSR2');
    this.count += 1;
    const file = join(this.dir, `${this.count}.cpuprofile`);
    for (let i = 0; i < 100 && !existsSync(file); i++) await sleep(100);
    if (!existsSync(file)) return null;
    const named = join(this.dir, `${name}.cpuprofile`);
    renameSync(file, named);
    return summarizeProfile(named);
  }
}

let profiler: Profiler | null = null;

let databaseCpu: () => CpuSample = () => new Map();

async function measure(
  options: Options,
  server: RunningServer,
  workload: Workload,
  dataset: Dataset,
  pool: pg.Pool,
): Promise<ServerRun> {
  const undo = async () => {
    if (workload.kind === 'read') return;
    await restoreDataset(pool, dataset.seededMax);
    await vacuumDataset(pool);
  };
  if (options.warmup > 0) {
    await runLoad({
      server,
      workload,
      facts: dataset.facts,
      seconds: options.warmup,
      connections: options.connections,
    });
    await undo();
  }
  const statsBefore = server.name === 'baseline' ? await baselineStats(server) : null;
  const profiling = server.name === 'worklets' ? profiler : null;
  if (profiling) await profiling.start(server);
  const result = await runLoad({
    server,
    workload,
    facts: dataset.facts,
    seconds: options.duration,
    connections: options.connections,
    databaseCpu,
  });
  const profile = profiling ? await profiling.stop(server, workload.name) : null;
  const statsAfter = server.name === 'baseline' ? await baselineStats(server) : null;
  const unloadedMs =
    workload.kind === 'read' ? await probeUnloaded(server, workload, dataset.facts, options.quick ? 30 : 100) : null;
  await undo();
  return {
    ...result,
    profile,
    unloadedMs,
    statementsPerRequest:
      statsBefore && statsAfter && statsAfter.requests > statsBefore.requests
        ? (statsAfter.statements - statsBefore.statements) / (statsAfter.requests - statsBefore.requests)
        : null,
  };
}

// --- report --------------------------------------------------------------------------

const fmt = (n: number | null | undefined, digits = 1) =>
  n === null || n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits);
const int = (n: number) => Math.round(n).toLocaleString('en-US');

function errorsText(run: LoadResult, write: boolean): string {
  const parts: string[] = [];
  for (const [code, count] of Object.entries(run.non2xx).sort()) {
    if (write && code === '409') {
      const expected = run.duplicates.got409;
      parts.push(`409×${count}${count === expected ? ' (dups)' : ` (${expected} dups)`}`);
    } else parts.push(`${code}×${count}`);
  }
  if (run.timeouts) parts.push(`timeout×${run.timeouts}`);
  for (const [kind, count] of Object.entries(run.socketErrors)) parts.push(`${kind}×${count}`);
  return parts.length ? parts.join(' ') : 'none';
}

function table(rows: string[][], align: ('l' | 'r')[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (align[i] === 'r' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function evaluateTargets(reports: WorkloadReport[], statements: StatementCounts, dataset: Dataset): Target[] {
  const targets: Target[] = [];
  const at50k = dataset.size.worklets >= 50_000;
  for (const r of reports) {
    if (r.kind === 'read') {
      targets.push({
        pass: r.ratio.rps >= 0.5,
        workload: r.name,
        target: 'req/s >= 0.5x baseline',
        measured: `${fmt(r.ratio.rps, 2)}x`,
      });
      targets.push({
        pass: r.ratio.p99 <= 2,
        workload: r.name,
        target: 'p99 <= 2x baseline p99',
        measured: `${fmt(r.ratio.p99, 2)}x (${fmt(r.worklets.latencyMs.p99)} vs ${fmt(r.baseline.latencyMs.p99)} ms)`,
      });
    }
    const count = statements.byWorkload[r.name];
    if (['cards', 'cards-needs-primary', 'cards-by-mentor'].includes(r.name)) {
      targets.push({
        pass: count !== undefined && count.max <= 3,
        workload: r.name,
        target: 'card page of 50: <= 3 SQL statements',
        measured: count
          ? `${fmt(count.perCall, 1)} per page (max ${count.max}; in-process, excl. ${fmt(statements.session.perCall, 0)} of session lookup)`
          : 'not measured',
      });
      targets.push({
        pass: r.worklets.latencyMs.p50 < 20,
        workload: r.name,
        target: `card page of 50: p50 < 20 ms at 50,000 worklets${at50k ? '' : ` [dataset has ${int(dataset.size.worklets)}]`}`,
        measured: `${fmt(r.worklets.latencyMs.p50)} ms at ${r.worklets.connections} connections (unloaded ${fmt(r.worklets.unloadedMs?.p50)} ms)`,
      });
    }
    if (r.kind !== 'read') {
      const fiveXX = Object.entries(r.worklets.status)
        .filter(([c]) => c.startsWith('5'))
        .reduce((a, [, n]) => a + n, 0);
      targets.push({
        pass: fiveXX === 0,
        workload: r.name,
        target: 'assign: 0 server errors (5xx)',
        measured: `${fiveXX}`,
      });
      const d = r.worklets.duplicates;
      targets.push({
        pass: d.sent > 0 && d.got409 === d.sent,
        workload: r.name,
        target: 'assign: duplicates -> 409 CONFLICT',
        measured: `${int(d.got409)} of ${int(d.sent)}${Object.keys(d.other).length ? `; others: ${JSON.stringify(d.other)}` : ''}`,
      });
    }
  }
  return targets;
}

function printReport(
  options: Options,
  dataset: Dataset,
  reports: WorkloadReport[],
  statements: StatementCounts,
  targets: Target[],
  bundle: BundleReport,
  equivalence: Equivalence[],
  pgVersion: string,
  databaseDescription: string,
) {
  const size = dataset.size;
  console.log('');
  console.log(
    `Worklets benchmark: ${int(size.worklets)} worklets, ${int(size.mentors)} mentors, ${int(size.students)} students ` +
      `(${int(dataset.counts.assignments)} assignments, ${int(dataset.counts.activeAssignments)} active; ${int(dataset.counts.events)} events)`,
  );
  console.log(
    `${options.connections} connections x ${options.duration} s per run (+${options.warmup} s warm-up), pool ${options.poolSize} per server; ` +
      `${databaseDescription}, PostgreSQL ${pgVersion}; Node ${process.version}; ${cpus().length} CPUs`,
  );
  console.log('');
  const header = [
    'workload',
    'server',
    'req/s',
    'p50 ms',
    'p99 ms',
    '1-conn p50',
    'errors (non-2xx, timeouts, socket)',
    'vs baseline req/s | p99',
    'SQL/req',
    'CPU% srv|db|ac|other',
  ];
  const rows: string[][] = [header];
  for (const r of reports) {
    const count = statements.byWorkload[r.name];
    const sqlWorklets = count ? `${fmt(count.perCall, 1)} +${fmt(statements.session.perCall, 0)} session` : '-';
    const line = (run: ServerRun, label: string, ratio: string, sql: string) => [
      label === 'worklets' ? r.name : '',
      label,
      fmt(run.rps, 0),
      fmt(run.latencyMs.p50, 1),
      fmt(run.latencyMs.p99, 1),
      fmt(run.unloadedMs?.p50 ?? null, 1),
      errorsText(run, r.kind !== 'read'),
      ratio,
      sql,
      `${run.cpuPercent.server ?? '-'}|${run.cpuPercent.database ?? '-'}|${run.cpuPercent.loadGenerator}|${run.cpuPercent.other ?? '-'}`,
    ];
    rows.push(line(r.worklets, 'worklets', `${fmt(r.ratio.rps, 2)}x | ${fmt(r.ratio.p99, 2)}x`, sqlWorklets));
    rows.push(line(r.baseline, 'baseline', '', fmt(r.baseline.statementsPerRequest, 1)));
  }
  console.log(table(rows, ['l', 'l', 'r', 'r', 'r', 'r', 'l', 'l', 'l', 'l']));
  console.log('');
  console.log(
    'req/s: responses of any status per second; p50/p99: latency of all responses under load; 1-conn p50: one request at a time (no queueing).',
  );
  console.log(
    `SQL/req (worklets): statements per call in-process (createCaller + onQuery, BEGIN/COMMIT included) + the better-auth session lookup of the HTTP path ` +
      `(${fmt(statements.session.perCall, 1)} statements, ${fmt(statements.session.msPerCall, 2)} ms).`,
  );
  console.log(
    'CPU%: of one core during the run: the server process | the database backends serving the benchmark database (or the embedded database process) | autocannon | everything else on the machine.',
  );
  console.log(
    'SQL/req (baseline): counted by the baseline server itself. The baseline has NO authentication (no session lookup, no Origin check, no rate limit).',
  );
  console.log('');
  console.log('In-process (no HTTP), sequential:');
  const inproc: string[][] = [['workload', 'statements/call', 'ms/call', 'outcomes']];
  for (const r of reports) {
    const c = statements.byWorkload[r.name];
    if (c)
      inproc.push([
        r.name,
        `${fmt(c.perCall, 2)} (${c.min}-${c.max})`,
        fmt(c.msPerCall, 2),
        Object.entries(c.outcomes)
          .map(([k, v]) => `${k}:${v}`)
          .join(' '),
      ]);
  }
  inproc.push(['session lookup', fmt(statements.session.perCall, 2), fmt(statements.session.msPerCall, 2), '']);
  console.log(table(inproc, ['l', 'l', 'r', 'l']));
  console.log('');
  const eqFailed = equivalence.filter((e) => e.identical !== e.calls);
  console.log(
    eqFailed.length === 0
      ? `Equivalence: the baseline answered ${equivalence.reduce((a, e) => a + e.calls, 0)} sample calls exactly like Worklets (reads: same JSON; assign: same shape, duplicates 409).`
      : `Equivalence: DIFFERENCES: ${eqFailed.map((e) => `${e.workload}: ${e.identical}/${e.calls} identical; first: ${e.firstDifference}`).join('\n  ')}`,
  );
  console.log('');
  console.log('Targets:');
  for (const t of targets)
    console.log(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.workload.padEnd(20)} ${t.target.padEnd(58)} ${t.measured}`);
  console.log('');
  if (bundle.built) {
    console.log(
      `Web bundle (apps/web/dist/assets/*.js): ${(bundle.totalGzipBytes / 1024).toFixed(1)} KiB gzip (${(bundle.totalBytes / 1024).toFixed(1)} KiB raw)`,
    );
    for (const f of bundle.files)
      console.log(
        `  ${f.file.padEnd(32)} ${(f.gzipBytes / 1024).toFixed(1).padStart(8)} KiB gzip ${(f.bytes / 1024).toFixed(1).padStart(9)} KiB raw`,
      );
  } else console.log('Web bundle: not built (apps/web/dist/assets has no .js files)');
}

// ---------------------------------------------------------------------------------------

async function main() {
  installExitHandlers();
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const loadBefore = loadavg();
  if (loadBefore[0]! > cpus().length * 0.5) {
    log(
      `WARNING: this machine is busy (load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs): results will be noisy`,
    );
  }
  log(
    `${options.quick ? 'quick run' : 'full run'}: ${options.workloads.length} workloads x 2 servers x ${options.duration} s at ${options.connections} connections`,
  );
  const prepared = await prepareDatabase(options, log);
  const { dataset, url } = prepared;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {});
  const pgVersion = String((await pool.query('SHOW server_version')).rows[0]?.server_version ?? '?');
  databaseCpu = databaseCpuSampler(
    prepared.embedded ? { pid: prepared.embedded.pid } : { dbName: decodeURIComponent(new URL(url).pathname.slice(1)) },
  );
  const { user: admin, password } = await prepareAdmin(url);
  const authSecret = randomBytes(32).toString('base64url');
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const profileDir = options.profile ? join(resultsDir, `profile-${stamp}`) : null;
  if (profileDir) {
    mkdirSync(profileDir, { recursive: true });
    profiler = new Profiler(profileDir);
  }

  log('starting the Worklets production server and the baseline');
  const embedded = options.embedded;
  const poolSize = embedded ? 1 : options.poolSize;
  if (embedded && options.poolSize !== 1) log('embedded database: one session, so both servers use a pool of 1');
  options.poolSize = poolSize;
  const workletsChildren: RunningServer[] = [];
  const start = {
    worklets: async (): Promise<RunningServer> => {
      const started = await startWorklets({
        databaseUrl: url,
        poolSize,
        authSecret,
        extraNodeArgs: profileDir ? ['--import', fileURLToPath(new URL('./profiler-hook.ts', import.meta.url))] : [],
        extraEnv: profileDir ? { BENCH_PROFILE_DIR: profileDir } : {},
      });
      const cookie = await signIn(started, admin.email, password);
      const server: RunningServer = { ...started, headers: { cookie } };
      workletsChildren.push(server);
      return server;
    },
    baseline: () => startBaseline({ databaseUrl: url, poolSize, actor: { id: admin.id, name: admin.name } }),
  };
  const servers: Record<RunningServer['name'], RunningServer> = {
    worklets: await start.worklets(),
    baseline: await start.baseline(),
  };
  const session = { cookie: servers.worklets.headers.cookie!, baseURL: servers.worklets.origin };
  log(
    `worklets ${servers.worklets.baseUrl} (pid ${servers.worklets.child.pid}), baseline ${servers.baseline.baseUrl} (pid ${servers.baseline.child.pid})`,
  );

  log('checking that both servers give the same answers');
  const equivalence = await checkEquivalence(
    servers.worklets,
    servers.baseline,
    dataset.facts,
    options.workloads,
    pool,
    dataset,
  );

  log('counting SQL statements per call in-process');
  const statements = await countStatements({
    dataset,
    admin,
    workloads: options.workloads,
    calls: options.quick ? 20 : 100,
    session: { cookie: session.cookie, secret: authSecret, baseURL: session.baseURL },
  });
  await vacuumDataset(pool);

  // A server that something else stops mid-run (on a shared machine) is started again and
  // the run repeated; the report lists every restart.
  const restarts: string[] = [];
  const reports: WorkloadReport[] = [];
  for (const workload of options.workloads) {
    const runs: Partial<Record<RunningServer['name'], ServerRun>> = {};
    for (const name of ['worklets', 'baseline'] as const) {
      for (let attempt = 1; ; attempt++) {
        if (servers[name].child.exited()) {
          restarts.push(
            `${name} server had ended (${servers[name].child.exitReason()}) before ${workload.name}: started again`,
          );
          log(restarts.at(-1)!);
          servers[name] = await start[name]();
        }
        const server = servers[name];
        const run = await measure(options, server, workload, dataset, pool);
        if (!server.child.exited()) {
          runs[name] = run;
          break;
        }
        const last =
          server.child
            .output()
            .filter((l) => l.trim())
            .slice(-1)[0] ?? '';
        restarts.push(
          `${name} server ended during ${workload.name} (${server.child.exitReason()}; last output: ${last.slice(0, 160)}): run discarded and repeated`,
        );
        log(restarts.at(-1)!);
        if (attempt >= 3) throw new BenchError(`the ${name} server keeps ending during ${workload.name}`);
        await restoreDataset(pool, dataset.seededMax);
      }
      const run = runs[name]!;
      log(
        `${workload.name.padEnd(20)} ${name.padEnd(8)} ${fmt(run.rps, 0).padStart(6)} req/s  p50 ${fmt(run.latencyMs.p50).padStart(6)} ms  ` +
          `p99 ${fmt(run.latencyMs.p99).padStart(6)} ms  ${errorsText(run, workload.kind !== 'read')}`,
      );
    }
    const w = runs.worklets!;
    const b = runs.baseline!;
    reports.push({
      name: workload.name,
      title: workload.title,
      kind: workload.kind,
      worklets: w,
      baseline: b,
      ratio: { rps: w.rps / b.rps, p99: w.latencyMs.p99 / b.latencyMs.p99, p50: w.latencyMs.p50 / b.latencyMs.p50 },
    });
  }

  const serverErrors = workletsChildren.flatMap((s) => s.child.errorLines());
  await servers.worklets.child.stop();
  await servers.baseline.child.stop();

  const bundle = webBundleSize();
  const targets = evaluateTargets(reports, statements, dataset);
  printReport(options, dataset, reports, statements, targets, bundle, equivalence, pgVersion, prepared.description);
  const others = reports
    .flatMap((r) => [r.worklets.cpuPercent.other, r.baseline.cpuPercent.other])
    .filter((o): o is number => o !== null);
  const maxOther = others.length ? Math.max(...others) : null;
  console.log(
    `\nOther processes on this machine used at most ${maxOther ?? '?'}% of one core during a measured run` +
      (maxOther !== null && maxOther > 25
        ? ' (they competed for the CPUs: compare ratios, not absolute numbers)'
        : ' (quiet machine)') +
      `; load average before the run ${loadBefore[0]!.toFixed(1)} on ${cpus().length} CPUs.`,
  );
  for (const restart of restarts) console.log(`\nNOTE: ${restart}`);
  if (serverErrors.length) {
    console.log(`\nWorklets server logged ${serverErrors.length} error line(s); first: ${serverErrors[0]}`);
  }
  for (const r of reports) {
    const profile = r.worklets.profile;
    if (!profile) continue;
    console.log(
      `\nCPU profile of the Worklets server during ${r.name} (${profile.file}), ${int(profile.totalMs)} ms of CPU:`,
    );
    console.log(
      `  self time by package: ${profile.byPackage
        .slice(0, 8)
        .map((p) => `${p.name} ${(p.share * 100).toFixed(0)}%`)
        .join(', ')}`,
    );
    console.log(
      `  inclusive (on the stack): ${profile.inclusiveByPackage
        .filter((p) => !p.name.startsWith('node') && !p.name.startsWith('('))
        .slice(0, 8)
        .map((p) => `${p.name} ${(p.share * 100).toFixed(0)}%`)
        .join(', ')}`,
    );
    console.log('  top functions (self time):');
    for (const f of profile.byFunction.slice(0, 10))
      console.log(`  ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}`);
  }

  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `bench-${stamp}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        options: { ...options, workloads: options.workloads.map((w) => w.name), databaseUrl: prepared.description },
        machine: {
          loadAverageBefore: loadBefore,
          loadAverageAfter: loadavg(),
          node: process.version,
          cpus: cpus().length,
          cpuModel: cpus()[0]?.model,
          memoryGiB: Math.round(totalmem() / 2 ** 30),
          platform: process.platform,
        },
        postgres: { version: pgVersion, database: prepared.description, poolSize },
        dataset: {
          size: dataset.size,
          counts: dataset.counts,
          reused: dataset.reused,
          loadSeconds: dataset.loadSeconds,
          checksum: dataset.checksum,
        },
        equivalence,
        statements,
        workloads: reports,
        targets,
        bundle,
        serverErrorLines: serverErrors.slice(0, 50),
        restarts,
      },
      null,
      2,
    ),
  );
  console.log(`\nJSON: ${file}`);
  const total = (Date.now() - startedAt.getTime()) / 1000;
  console.log(
    `finished in ${total.toFixed(0)} s; targets: ${targets.filter((t) => t.pass).length} PASS, ${targets.filter((t) => !t.pass).length} MISS`,
  );
  await pool.end();
  await prepared.embedded?.stop();
  process.exit(0);
}

main().catch(fail);
