/**
 * Driving a server with autocannon: fixed duration, fixed concurrency, a fresh random call
 * per request (`setupRequest`). Latencies of all responses (autocannon's own histogram keeps
 * only 2xx, in whole milliseconds) go into an HDR histogram in microseconds; answers are
 * tallied by status; for assign, each 409 is checked against whether the call was meant to
 * be a duplicate.
 */
import autocannon from 'autocannon';
import * as hdr from 'hdr-histogram-js';
import type pg from 'pg';
import type { DatasetFacts } from './dataset.ts';
import { type CpuPercent, cpuPercent, type RunningServer, sampleCpu } from './servers.ts';
import { type Call, toHttp, type Workload } from './workloads.ts';

export type Latency = { p50: number; p99: number };

export type LoadResult = {
  seconds: number;
  /** Responses per second (any status). */
  rps: number;
  latencyMs: Latency;
  /** Count by status code. */
  status: Record<string, number>;
  timeouts: number;
  socketErrors: Record<string, number>;
  /** Writes meant as duplicates and what they got. */
  duplicates: { sent: number; got409: number; other: Record<string, number> };
  cpuPercent: CpuPercent;
};

const histogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000 });

function latency(h: hdr.Histogram): Latency {
  return { p50: h.getValueAtPercentile(50) / 1000, p99: h.getValueAtPercentile(99) / 1000 };
}

function headersFor(server: RunningServer, call: Call): Record<string, string> {
  return call.type === 'mutation'
    ? { ...server.headers, 'content-type': 'application/json', origin: server.origin }
    : server.headers;
}

export type LoadOptions = {
  server: RunningServer;
  workload: Workload;
  facts: DatasetFacts;
  seconds: number;
  connections: number;
  /** For CPU: the benchmark's pool and the database whose backends count as "the database". */
  pool: pg.Pool;
  database: string;
};

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { server, seconds, connections } = options;
  const next = options.workload.generator(options.facts);
  const latencies = histogram();
  const status: Record<string, number> = {};
  const socketErrors: Record<string, number> = {};
  const duplicates = { sent: 0, got409: 0, other: {} as Record<string, number> };
  type Context = { expectConflict?: boolean };
  const cpuBefore = await sampleCpu(server, options.pool, options.database);
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: server.baseUrl,
        connections,
        duration: seconds,
        timeout: 10,
        requests: [
          {
            setupRequest: (req, context) => {
              const call = next();
              (context as Context).expectConflict = call.expectConflict;
              const http = toHttp(call);
              return {
                ...req,
                method: http.method,
                path: http.path,
                body: http.body ?? '',
                headers: headersFor(server, call),
              };
            },
            onResponse: (code, _body, context) => {
              if (!(context as Context).expectConflict) return;
              duplicates.sent++;
              if (code === 409) duplicates.got409++;
              else duplicates.other[code] = (duplicates.other[code] ?? 0) + 1;
            },
          },
        ],
      },
      (error: unknown, result: autocannon.Result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.recordValue(Math.max(1, Math.round(responseTime * 1000)));
      status[statusCode] = (status[statusCode] ?? 0) + 1;
    });
    instance.on('reqError', (error: { code?: string; message?: string }) => {
      const kind = error?.code ?? error?.message ?? 'error';
      if (!/timeout|ETIMEDOUT/i.test(kind)) socketErrors[kind] = (socketErrors[kind] ?? 0) + 1;
    });
  });
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = await sampleCpu(server, options.pool, options.database);
  const runSeconds = result.duration || seconds;
  return {
    seconds: runSeconds,
    rps: latencies.totalCount / runSeconds,
    latencyMs: latency(latencies),
    status,
    timeouts: result.timeouts,
    socketErrors,
    duplicates,
    cpuPercent: cpuPercent(cpuBefore, cpuAfter, elapsed),
  };
}

/** One request outside autocannon. */
async function send(server: RunningServer, call: Call): Promise<number> {
  const http = toHttp(call);
  const res = await fetch(new URL(http.path, server.baseUrl), {
    method: http.method,
    headers: headersFor(server, call),
    body: http.body,
    signal: AbortSignal.timeout(15_000),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Latency of one request at a time (no queueing): the service time of the workload. */
export async function probeUnloaded(server: RunningServer, workload: Workload, facts: DatasetFacts, count: number) {
  const next = workload.generator(facts);
  const samples = histogram();
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await send(server, next());
    samples.recordValue(Math.max(1, Math.round((performance.now() - started) * 1000)));
  }
  return latency(samples);
}
