/**
 * Driving a server with autocannon: fixed duration, fixed concurrency, a fresh random
 * call per request (`requests[].setupRequest`). Latencies are kept per response in
 * microsecond resolution (autocannon's own histogram rounds to whole milliseconds), and
 * answers are tallied by status code; for assign, each 409 is checked against whether
 * the call was meant to be a duplicate.
 */
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import type { DatasetFacts } from './dataset.ts';
import { type CpuSample, cpuDelta, machineBusySeconds, type RunningServer } from './servers.ts';
import { type Call, toHttp, type Workload } from './workloads.ts';

export type Latency = { p50: number; p90: number; p99: number; max: number; mean: number };

export type LoadResult = {
  server: RunningServer['name'];
  workload: Workload['name'];
  seconds: number;
  connections: number;
  /** Responses of any status. */
  responses: number;
  /** Responses per second (any status). */
  rps: number;
  latencyMs: Latency;
  /** Every status code seen, with its count. */
  status: Record<string, number>;
  /** Non-2xx answers by status code. */
  non2xx: Record<string, number>;
  /** Requests that got no answer within the timeout. */
  timeouts: number;
  /** Connection-level errors (other than timeouts) by code. */
  socketErrors: Record<string, number>;
  /** For writes: calls meant as duplicates and what they got. */
  duplicates: { sent: number; got409: number; other: Record<string, number> };
  /** For writes: fresh pairs that got 409 (must be none). */
  fresh409: number;
  /** Server log lines that report an error (500s), during this run. */
  serverErrorLogLines: number;
  /** CPU used during the run, in % of one core: the server process, the database (its backends for this database). */
  cpuPercent: { server: number | null; database: number | null; loadGenerator: number; other: number | null };
};

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(samples: number[]): Latency {
  const sorted = Float64Array.from(samples).sort();
  const mean = samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : Number.NaN;
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    mean,
  };
}

function headersFor(server: RunningServer, call: Call): Record<string, string> {
  return call.type === 'mutation'
    ? { ...server.headers, 'content-type': 'application/json', origin: server.origin }
    : { ...server.headers };
}

export type LoadOptions = {
  server: RunningServer;
  workload: Workload;
  facts: DatasetFacts;
  seconds: number;
  connections: number;
  /** Seconds to wait for an answer before counting a timeout. */
  timeoutSeconds?: number;
  /** Samples the database's CPU time (its backends' processes). */
  databaseCpu?: () => CpuSample;
};

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { server, workload, facts, seconds, connections } = options;
  const next = workload.generator(facts);
  const latencies: number[] = [];
  const status: Record<string, number> = {};
  const socketErrors: Record<string, number> = {};
  const duplicates = { sent: 0, got409: 0, other: {} as Record<string, number> };
  let fresh409 = 0;
  const errorLinesBefore = server.child.errorLines().length;
  type Ctx = { expectConflict?: boolean; mutation?: boolean };

  const databaseCpu = options.databaseCpu ?? (() => new Map<number, number>());
  const cpuBefore = {
    server: server.child.cpuSeconds(),
    database: databaseCpu(),
    machine: machineBusySeconds(),
    self: process.cpuUsage(),
    at: performance.now(),
  };
  let finish: (result: autocannon.Result) => void = () => {};
  let failed: (error: unknown) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    failed = reject;
  });
  const instance = autocannon(
    {
      url: server.baseUrl,
      connections,
      duration: seconds,
      timeout: options.timeoutSeconds ?? 10,
      requests: [
        {
          setupRequest: (req, context) => {
            const call = next();
            const http = toHttp(call);
            const ctx = context as Ctx;
            ctx.mutation = call.type === 'mutation';
            ctx.expectConflict = call.expectConflict === true;
            return {
              ...req,
              method: http.method,
              path: http.path,
              body: http.body ?? '',
              headers: headersFor(server, call),
            };
          },
          onResponse: (code, _body, context) => {
            const ctx = context as Ctx;
            if (!ctx.mutation) return;
            if (ctx.expectConflict) {
              duplicates.sent++;
              if (code === 409) duplicates.got409++;
              else duplicates.other[code] = (duplicates.other[code] ?? 0) + 1;
            } else if (code === 409) fresh409++;
          },
        },
      ],
    },
    (error: unknown, result: autocannon.Result) => (error ? failed(error) : finish(result)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    latencies.push(responseTime);
    status[statusCode] = (status[statusCode] ?? 0) + 1;
  });
  instance.on('reqError', (error: { code?: string; message?: string }) => {
    const kind = error?.code ?? error?.message ?? 'error';
    if (kind === 'ETIMEDOUT' || /timeout/i.test(kind)) return;
    socketErrors[kind] = (socketErrors[kind] ?? 0) + 1;
  });
  // Bounded: autocannon stops itself after `seconds`; this stops it if it does not.
  const guard = setTimeout(() => instance.stop(), (seconds + 30) * 1000);
  const result = await done.finally(() => clearTimeout(guard));
  const elapsed = (performance.now() - cpuBefore.at) / 1000;
  const cpuAfter = { server: server.child.cpuSeconds(), database: databaseCpu() };
  const pct = (before: number | null, after: number | null) =>
    before === null || after === null ? null : Math.round(((after - before) / elapsed) * 100);
  const databaseSeconds = cpuDelta(cpuBefore.database, cpuAfter.database);
  const databasePct = cpuAfter.database.size ? Math.round((databaseSeconds / elapsed) * 100) : null;
  // Everything else the machine did meanwhile: other processes competing for the CPUs.
  const machineAfter = machineBusySeconds();
  const self = process.cpuUsage(cpuBefore.self);
  const otherPct =
    cpuBefore.machine === null || machineAfter === null || cpuBefore.server === null || cpuAfter.server === null
      ? null
      : Math.max(
          0,
          Math.round(
            ((machineAfter -
              cpuBefore.machine -
              (cpuAfter.server - cpuBefore.server) -
              databaseSeconds -
              (self.user + self.system) / 1e6) /
              elapsed) *
              100,
          ),
        );

  const non2xx: Record<string, number> = {};
  for (const [code, count] of Object.entries(status)) if (!code.startsWith('2')) non2xx[code] = count;
  const runSeconds = result.duration || seconds;
  return {
    server: server.name,
    workload: workload.name,
    seconds: runSeconds,
    connections,
    responses: latencies.length,
    rps: latencies.length / runSeconds,
    latencyMs: summarize(latencies),
    status,
    non2xx,
    timeouts: result.timeouts,
    socketErrors,
    duplicates,
    fresh409,
    serverErrorLogLines: server.child.errorLines().length - errorLinesBefore,
    cpuPercent: {
      server: pct(cpuBefore.server, cpuAfter.server),
      database: databasePct,
      loadGenerator: Math.round(((self.user + self.system) / 1e6 / elapsed) * 100),
      other: otherPct,
    },
  };
}

export type HttpAnswer = { status: number; body: string };

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One request, outside autocannon (equivalence checks and the unloaded latency probe). */
export function send(server: RunningServer, call: Call, timeoutMs = 15_000): Promise<HttpAnswer> {
  const http = toHttp(call);
  const url = new URL(http.path, server.baseUrl);
  const headers: Record<string, string> = headersFor(server, call);
  if (http.body !== undefined) headers['content-length'] = String(Buffer.byteLength(http.body));
  return new Promise((resolve, reject) => {
    const req = request(url, { method: http.method, headers, agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(http.body);
  });
}

/** Latency of one request at a time (no queueing): the service time of the workload. */
export async function probeUnloaded(
  server: RunningServer,
  workload: Workload,
  facts: DatasetFacts,
  count: number,
): Promise<Latency> {
  const next = workload.generator(facts);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const call = next();
    const started = performance.now();
    await send(server, call);
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}
