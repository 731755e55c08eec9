/**
 * The benchmark's dataset: the bulk seeder's deterministic program (generateProgram +
 * loadProgram of @worklets/db) in a database of its own.
 *
 * A database that already holds exactly the expected dataset is reused: a marker table
 * (`bench.dataset`) records a fingerprint of what was loaded (sizes, generator and loader
 * source, migrations) and a checksum of the loaded rows. Before every use, the rows that
 * benchmark writes added (ids above the loaded ones) are removed and the legacy
 * `worklets.mentor_id` recomputed; if the checksum still differs, the database is dropped
 * and loaded again.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateDatabase } from '@worklets/db';
import pg from 'pg';
import { loadProgram } from '../../../packages/db/src/seed/load.ts';
import { generateProgram, type Program, type ProgramSize } from '../../../packages/db/src/seed/program.ts';

export class BenchError extends Error {}

export type DatasetSize = Required<Pick<ProgramSize, 'admins' | 'mentors' | 'students' | 'worklets'>>;

export const fullSize: DatasetSize = { admins: 5, mentors: 5000, students: 20000, worklets: 50000 };
export const quickSize: DatasetSize = { admins: 5, mentors: 200, students: 800, worklets: 2000 };

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export type SeededMax = { users: number; worklets: number; assignments: number; events: number };

/** What the load generators need to know about the dataset (from the deterministic program). */
export type DatasetFacts = {
  workletCount: number;
  /** Worklets that can get new mentors (not archived). */
  openWorkletIds: number[];
  mentorIds: number[];
  activeMentorIds: number[];
  /** Active seeded (mentor, worklet) pairs: assigning one again must be a CONFLICT. */
  activePairs: [mentorId: number, workletId: number][];
  /** Every seeded pair, active or not (so "fresh" pairs never reactivate a seeded row). */
  seededPairs: Set<number>;
};

export type Dataset = {
  url: string;
  size: DatasetSize;
  reused: boolean;
  loadSeconds: number | null;
  counts: { users: number; worklets: number; assignments: number; activeAssignments: number; events: number };
  seededMax: SeededMax;
  checksum: string;
  facts: DatasetFacts;
};

export const pairKey = (mentorId: number, workletId: number) => mentorId * 4_194_304 + workletId;

export function datasetFacts(program: Program): DatasetFacts {
  const mentors = program.users.filter((u) => u.role === 'mentor');
  const seededPairs = new Set<number>();
  const activePairs: [number, number][] = [];
  for (const a of program.assignments) {
    seededPairs.add(pairKey(a.mentorId, a.workletId));
    if (a.isActive) activePairs.push([a.mentorId, a.workletId]);
  }
  return {
    workletCount: program.worklets.length,
    openWorkletIds: program.worklets.filter((w) => w.status !== 'archived').map((w) => w.id),
    mentorIds: mentors.map((u) => u.id),
    activeMentorIds: mentors.filter((u) => u.isActive).map((u) => u.id),
    activePairs,
    seededPairs,
  };
}

/** Sizes, generator and loader source, migrations: what makes two datasets the same. */
function fingerprint(size: DatasetSize): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ version: 1, size }));
  const seed = join(repoRoot, 'packages/db/src/seed');
  for (const file of ['program.ts', 'random.ts', 'vocabulary.ts', 'load.ts'])
    hash.update(readFileSync(join(seed, file)));
  const migrations = join(repoRoot, 'prisma/migrations');
  for (const name of readdirSync(migrations).sort()) {
    if (name.endsWith('.toml') || name.endsWith('.prisma')) continue;
    hash.update(name).update(readFileSync(join(migrations, name, 'migration.sql')));
  }
  return hash.digest('hex').slice(0, 32);
}

/** A one-line description of a failure to reach or use PostgreSQL. */
export function describePgError(error: unknown, url: string): string {
  const e = error as { code?: string; message?: string; errors?: unknown[] };
  let where = redact(url);
  try {
    const u = new URL(url);
    where = `${u.hostname}:${u.port || 5432}`;
  } catch {
    // keep the redacted URL
  }
  const code = e?.code ?? (e?.errors?.[0] as { code?: string } | undefined)?.code;
  if (code === 'ECONNREFUSED')
    return `PostgreSQL is unreachable at ${where} (connection refused): start it, or set BENCH_DATABASE_URL, or run with --embedded`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `PostgreSQL host not found: ${where}`;
  if (code === 'ETIMEDOUT') return `PostgreSQL did not answer in time at ${where}`;
  if (code === '28P01' || code === '28000') return `PostgreSQL refused the credentials for ${where}`;
  if (code === '42501')
    return `PostgreSQL: permission denied (${e.message}) at ${where}: the benchmark needs CREATE DATABASE`;
  if (code === '3D000') return `PostgreSQL at ${where}: ${e.message}`;
  return `PostgreSQL error at ${where}: ${(e?.message ?? String(error)).split('\n')[0]}`;
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new BenchError(describePgError(error, url));
  }
  return client;
}

type Queryable = Pick<pg.Client, 'query'>;

/** Removes what benchmark writes added and puts the legacy column back; returns rows removed. */
export async function restoreDataset(db: Queryable, max: SeededMax): Promise<number> {
  const events = await db.query('DELETE FROM assignment_events WHERE id > $1', [max.events]);
  const assignments = await db.query('DELETE FROM mentor_worklet_assignments WHERE id > $1', [max.assignments]);
  const worklets = await db.query('DELETE FROM worklets WHERE id > $1', [max.worklets]);
  const legacy = await db.query(`
    UPDATE worklets w SET mentor_id = p.mentor_id
    FROM (
      SELECT w2.id, a.mentor_id FROM worklets w2
      LEFT JOIN mentor_worklet_assignments a ON a.worklet_id = w2.id AND a.role_type = 'Primary' AND a.is_active
    ) p
    WHERE p.id = w.id AND w.mentor_id IS DISTINCT FROM p.mentor_id`);
  return (events.rowCount ?? 0) + (assignments.rowCount ?? 0) + (worklets.rowCount ?? 0) + (legacy.rowCount ?? 0);
}

/** After removing rows: reclaim them and refresh statistics, so every run sees the same tables. */
export async function vacuumDataset(db: Queryable): Promise<void> {
  await db.query('VACUUM (ANALYZE) mentor_worklet_assignments, assignment_events, worklets');
}

async function checksum(db: Queryable, max: SeededMax): Promise<string> {
  const { rows } = await db.query<{ c: string }>(
    `SELECT concat_ws('|',
       (SELECT md5(string_agg(id || ':' || email || ':' || role || ':' || is_active, ',' ORDER BY id)) FROM users WHERE id <= $1),
       (SELECT md5(string_agg(id || ':' || status || ':' || coalesce(mentor_id::text, '-') || ':' || title, ',' ORDER BY id)) FROM worklets),
       (SELECT md5(string_agg(id || ':' || mentor_id || ':' || worklet_id || ':' || role_type || ':' || is_active || ':' || assigned_at, ',' ORDER BY id))
          FROM mentor_worklet_assignments),
       (SELECT md5(string_agg(id || ':' || coalesce(assignment_id::text, '-') || ':' || type, ',' ORDER BY id)) FROM assignment_events)
     ) AS c`,
    [max.users],
  );
  return createHash('sha256').update(rows[0]!.c).digest('hex').slice(0, 32);
}

async function counts(db: Queryable): Promise<Dataset['counts']> {
  const { rows } = await db.query(`SELECT
    (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM worklets)::int AS worklets,
    (SELECT count(*) FROM mentor_worklet_assignments)::int AS assignments,
    (SELECT count(*) FROM mentor_worklet_assignments WHERE is_active)::int AS "activeAssignments",
    (SELECT count(*) FROM assignment_events)::int AS events`);
  return rows[0] as Dataset['counts'];
}

type Marker = { fingerprint: string; seeded_max: SeededMax; checksum: string; load_seconds: number };

async function readMarker(db: Queryable): Promise<Marker | null> {
  try {
    const { rows } = await db.query<Marker>(
      'SELECT fingerprint, seeded_max, checksum, load_seconds FROM bench.dataset LIMIT 1',
    );
    return rows[0] ?? null;
  } catch {
    return null;
  }
}

export type EnsureOptions = {
  url: string;
  size: DatasetSize;
  /** Drop and load even when the database holds the expected dataset. */
  reseed?: boolean;
  /** The database is the embedded one (PGlite): never dropped, loaded when empty. */
  embedded?: boolean;
  log: (line: string) => void;
};

/** Makes `url` hold exactly the dataset of `size`, reusing it when it already does. */
export async function ensureDataset(options: EnsureOptions): Promise<Dataset> {
  const { url, size, log } = options;
  const fp = fingerprint(size);
  const program = generateProgram(size);
  const facts = datasetFacts(program);
  const target = new URL(url);
  const dbName = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!dbName) throw new BenchError(`BENCH_DATABASE_URL names no database: ${redact(url)}`);

  if (!options.embedded) {
    const adminUrl = new URL(url);
    adminUrl.pathname = '/postgres';
    const admin = await connect(adminUrl.toString());
    try {
      const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName])).rowCount! > 0;
      if (exists) {
        const reused = options.reseed ? null : await tryReuse(url, fp, facts, size, log);
        if (reused) return reused;
        const db = await connect(url);
        const marker = await readMarker(db).finally(() => db.end());
        if (!marker && !/bench/i.test(dbName)) {
          throw new BenchError(
            `refusing to drop database "${dbName}": it was not made by the benchmark (use a database whose name contains "bench")`,
          );
        }
        log(`dropping database ${dbName}`);
        await admin.query(`DROP DATABASE "${dbName.replace(/"/g, '""')}" WITH (FORCE)`);
      }
      log(`creating database ${dbName}`);
      await admin.query(`CREATE DATABASE "${dbName.replace(/"/g, '""')}"`);
    } catch (error) {
      if (error instanceof BenchError) throw error;
      throw new BenchError(describePgError(error, adminUrl.toString()));
    } finally {
      await admin.end().catch(() => {});
    }
  } else {
    const reused = options.reseed ? null : await tryReuse(url, fp, facts, size, log);
    if (reused) return reused;
  }

  log(
    `migrating and loading ${size.worklets} worklets, ${size.mentors} mentors, ${size.students} students, ${size.admins} admins`,
  );
  await migrateDatabase(url);
  const db = await connect(url);
  try {
    const existing = await counts(db);
    if (existing.users + existing.worklets > 0)
      throw new BenchError('the benchmark database is not empty and cannot be dropped (embedded): remove it and retry');
    const started = performance.now();
    await loadProgram(db, program);
    await db.query('VACUUM (ANALYZE)');
    const loadSeconds = (performance.now() - started) / 1000;
    const seededMax: SeededMax = {
      users: program.users.length,
      worklets: program.worklets.length,
      assignments: program.assignments.length,
      events: program.events.length,
    };
    const sum = await checksum(db, seededMax);
    await db.query('CREATE SCHEMA IF NOT EXISTS bench');
    await db.query(`CREATE TABLE IF NOT EXISTS bench.dataset (
      fingerprint text NOT NULL, size jsonb NOT NULL, seeded_max jsonb NOT NULL, checksum text NOT NULL,
      load_seconds real NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now())`);
    await db.query('DELETE FROM bench.dataset');
    await db.query(
      'INSERT INTO bench.dataset (fingerprint, size, seeded_max, checksum, load_seconds) VALUES ($1, $2, $3, $4, $5)',
      [fp, JSON.stringify(size), JSON.stringify(seededMax), sum, loadSeconds],
    );
    log(`loaded in ${loadSeconds.toFixed(1)} s`);
    return { url, size, reused: false, loadSeconds, counts: await counts(db), seededMax, checksum: sum, facts };
  } catch (error) {
    if (error instanceof BenchError) throw error;
    throw new BenchError(describePgError(error, url));
  } finally {
    await db.end().catch(() => {});
  }
}

async function tryReuse(
  url: string,
  fp: string,
  facts: DatasetFacts,
  size: DatasetSize,
  log: (line: string) => void,
): Promise<Dataset | null> {
  const db = await connect(url);
  try {
    const marker = await readMarker(db);
    if (!marker) return null;
    if (marker.fingerprint !== fp) {
      log('the benchmark database holds another dataset (sizes, generator or migrations differ): reloading');
      return null;
    }
    const removed = await restoreDataset(db, marker.seeded_max);
    if (removed > 0) {
      log(`removed ${removed} rows left by an earlier run`);
      await vacuumDataset(db);
    }
    const sum = await checksum(db, marker.seeded_max);
    if (sum !== marker.checksum) {
      log('the benchmark database was changed since it was loaded: reloading');
      return null;
    }
    log('reusing the benchmark database (same dataset)');
    return {
      url,
      size,
      reused: true,
      loadSeconds: marker.load_seconds,
      counts: await counts(db),
      seededMax: marker.seeded_max,
      checksum: sum,
      facts,
    };
  } catch (error) {
    if (error instanceof BenchError) throw error;
    throw new BenchError(describePgError(error, url));
  } finally {
    await db.end().catch(() => {});
  }
}
