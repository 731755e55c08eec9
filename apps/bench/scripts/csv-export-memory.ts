/**
 * Memory of the CSV export as the number of worklets grows: streams the worklet export
 * (a row per worklet, and a row per assignment) of the database at BENCH_DATABASE_URL
 * through csv-stringify into a sink that discards it, sampling the process's RSS and heap,
 * for the first 5,000 worklets and for all of them. Flat means the peak does not grow with
 * the rows. Load a database first: `DATABASE_URL=... pnpm db:seed-bulk --worklets 50000`.
 * Not a test: `BENCH_DATABASE_URL=... pnpm --filter @worklets/bench bench:csv-export-memory`.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SessionUser } from '@worklets/api';
import { type ExportRow, workletExportRows } from '@worklets/api/export';
import { createPrismaClient } from '@worklets/db';
import { stringify } from 'csv-stringify';

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error('set BENCH_DATABASE_URL to a database loaded with db:seed-bulk');
const { prisma, pool } = createPrismaClient(url);
const admin: SessionUser = { id: 0, name: 'Bench', email: 'bench@example.test', role: 'admin' };
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

async function* take(rows: AsyncIterable<ExportRow>, limit: number) {
  let n = 0;
  for await (const row of rows) {
    if (n++ >= limit) return;
    yield row;
  }
}

async function measure(label: string, rowsOf: () => AsyncIterable<ExportRow>) {
  globalThis.gc?.();
  let peakRss = 0;
  let peakHeap = 0;
  const sample = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  let bytes = 0;
  let rows = 0;
  const started = performance.now();
  // What stays alive: the heap right after a full collection, every 5,000 rows.
  const retained: number[] = [];
  const counted = async function* () {
    for await (const row of rowsOf()) {
      if (++rows % 5_000 === 0 && globalThis.gc) {
        globalThis.gc();
        retained.push(process.memoryUsage().heapUsed);
      }
      yield row;
    }
  };
  await pipeline(
    Readable.from(counted()),
    stringify({ header: true }),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done();
      },
    }),
  );
  clearInterval(sample);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label}: ${rows} rows, ${mb(bytes)} of CSV in ${seconds.toFixed(1)} s; peak RSS ${mb(peakRss)}, peak heap ${mb(peakHeap)}`,
  );
  console.log(`  heap after GC every 5,000 rows: ${retained.map(mb).join(', ')}`);
}

try {
  for (const rowsKind of ['worklets', 'assignments'] as const) {
    const query = { coverage: 'all' as const, rows: rowsKind };
    await measure(`${rowsKind}, first 5,000 worklets`, () =>
      take(workletExportRows(prisma, admin, query), rowsKind === 'worklets' ? 5_000 : 10_000),
    );
    await measure(`${rowsKind}, every worklet`, () => workletExportRows(prisma, admin, query));
  }
} finally {
  await prisma.$disconnect();
  await pool.end();
}
