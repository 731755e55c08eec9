/**
 * The CSV import at its limit: 10,000 lines (2,500 worklets x 4 mentors, every line an
 * addition) previewed and applied on a fresh PostgreSQL database, then the same file again
 * (every line unchanged). Prints seconds; the targets are a preview under 2 s and an apply
 * under 5 s on a 2-core machine. Not a test: `pnpm --filter @worklets/bench bench:csv-import`.
 * The database: BENCH_DATABASE_URL's server (default the local PostgreSQL), a new database.
 */
import { applyImport, previewImport, type RawLine } from '@worklets/api/import';
import { createTestDatabase } from '@worklets/db/testing';
import { parse } from 'csv-parse/sync';

process.env.WORKLETS_TEST_DB ??= 'postgres';
const db = await createTestDatabase();
const worklets = 2_500;
const perWorklet = 4;
try {
  await db.pool.query(`INSERT INTO users (name, email, role) SELECT 'Admin', 'admin@bench.example', 'admin'`);
  await db.pool.query(`INSERT INTO users (name, email, role)
    SELECT 'Mentor ' || i, 'mentor' || i || '@bench.example', 'mentor' FROM generate_series(1, 400) i`);
  await db.pool.query(
    `INSERT INTO worklets (title, status) SELECT 'Worklet ' || i, 'active' FROM generate_series(1, $1::int) i`,
    [worklets],
  );
  const roles = ['Primary', 'Secondary', 'Collaborator', 'Secondary'];
  const lines = ['worklet,mentor_email,role,active'];
  for (let w = 1; w <= worklets; w++)
    for (let k = 0; k < perWorklet; k++)
      lines.push(`${w},mentor${((w * 7 + k * 101) % 400) + 1}@bench.example,${roles[k]},yes`);
  const csv = lines.join('\n');
  const admin = await db.prisma.user.findFirstOrThrow({ where: { role: 'admin' }, select: { id: true, name: true } });
  const parseRows = (): RawLine[] => {
    const [header, ...rows] = parse(csv) as string[][];
    return rows.map((r, i) => ({ ...Object.fromEntries(header!.map((h, j) => [h, r[j]!])), line: i + 2 }));
  };
  const time = async <T>(label: string, work: () => Promise<T>) => {
    const started = performance.now();
    const result = await work();
    console.log(`${label}: ${((performance.now() - started) / 1000).toFixed(2)} s`);
    return result;
  };
  console.log(`file: ${lines.length - 1} lines, ${(csv.length / 1024).toFixed(0)} KiB`);
  const preview = await time('parse + preview', () => previewImport(db.prisma, parseRows()));
  console.log(`  ${JSON.stringify(preview.totals)}`);
  const applied = await time('parse + apply', () =>
    applyImport(db.prisma, parseRows(), { digest: preview.digest, allowOverCapacity: true }, admin),
  );
  console.log(`  ${JSON.stringify(applied.totals)}`);
  const { digest } = await previewImport(db.prisma, parseRows());
  const again = await time('parse + apply again (nothing to do)', () =>
    applyImport(db.prisma, parseRows(), { digest, allowOverCapacity: true }, admin),
  );
  console.log(`  ${JSON.stringify(again.totals)}`);
} finally {
  await db.close();
}
