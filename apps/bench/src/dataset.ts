/**
 * The benchmark's dataset: the bulk seeder's deterministic program (generateProgram +
 * loadProgram of @worklets/db) in a database of its own. A database that already holds it
 * is reused: a marker table (`bench.dataset`) records a fingerprint of what was loaded
 * (sizes, seeder source, migrations). Rows that benchmark writes add (ids above the loaded
 * ones) are removed before every use and after every write run.
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

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

type SeededMax = { users: number; worklets: number; assignments: number; events: number };

/** What the load generators need to know about the dataset (from the deterministic program). */
export type DatasetFacts = {
  workletCount: number;
  openWorkletIds: number[]; // not archived: they can get new mentors
  mentorIds: number[];
  activeMentorIds: number[];
  /** Active seeded (mentor, worklet) pairs: assigning one again must be a CONFLICT. */
  activePairs: [mentorId: number, workletId: number][];
  /** Every seeded pair, active or not (so "fresh" pairs never reactivate a seeded row). */
  seededPairs: Set<number>;
  /** Each worklet's last change as seeded (its created_at), for the table's cursors. */
  lastChanges: [id: number, updatedAt: string][];
};

export type Dataset = {
  url: string;
  size: DatasetSize;
  counts: { users: number; worklets: number; assignments: number; activeAssignments: number; events: number };
  seededMax: SeededMax;
  facts: DatasetFacts;
};

export const pairKey = (mentorId: number, workletId: number) => mentorId * 4_194_304 + workletId;

function datasetFacts(program: Program): DatasetFacts {
  const mentors = program.users.filter((u) => u.role === 'mentor');
  const seededPairs = new Set(program.assignments.map((a) => pairKey(a.mentorId, a.workletId)));
  return {
    workletCount: program.worklets.length,
    openWorkletIds: program.worklets.filter((w) => w.status !== 'archived').map((w) => w.id),
    mentorIds: mentors.map((u) => u.id),
    activeMentorIds: mentors.filter((u) => u.isActive).map((u) => u.id),
    activePairs: program.assignments.filter((a) => a.isActive).map((a) => [a.mentorId, a.workletId]),
    seededPairs,
    lastChanges: program.worklets.map((w) => [w.id, w.createdAt.toISOString()]),
  };
}

/** Sizes, seeder source and migrations: what makes two datasets the same. */
function fingerprint(size: DatasetSize): string {
  const hash = createHash('sha256').update(JSON.stringify(size));
  const seed = join(repoRoot, 'packages/db/src/seed');
  for (const file of readdirSync(seed).sort()) hash.update(readFileSync(join(seed, file)));
  const migrations = join(repoRoot, 'prisma/migrations');
  for (const name of readdirSync(migrations).sort())
    if (!name.includes('.')) hash.update(readFileSync(join(migrations, name, 'migration.sql')));
  return hash.digest('hex').slice(0, 32);
}

type Queryable = Pick<pg.Client, 'query'>;

/** Removes what benchmark writes added and puts the legacy column back; returns rows removed. */
export async function restoreDataset(db: Queryable, max: SeededMax): Promise<number> {
  const events = await db.query('DELETE FROM assignment_events WHERE id > $1', [max.events]);
  const assignments = await db.query('DELETE FROM mentor_worklet_assignments WHERE id > $1', [max.assignments]);
  const worklets = await db.query('DELETE FROM worklets WHERE id > $1', [max.worklets]);
  const legacy = await db.query(`
    UPDATE worklets w SET mentor_id = a.mentor_id
    FROM worklets w2
    LEFT JOIN mentor_worklet_assignments a ON a.worklet_id = w2.id AND a.role_type = 'Primary' AND a.is_active
    WHERE w2.id = w.id AND w.mentor_id IS DISTINCT FROM a.mentor_id`);
  return (events.rowCount ?? 0) + (assignments.rowCount ?? 0) + (worklets.rowCount ?? 0) + (legacy.rowCount ?? 0);
}

/** After removing rows: reclaim them and refresh statistics, so every run sees the same tables. */
export async function vacuumDataset(db: Queryable): Promise<void> {
  await db.query('VACUUM (ANALYZE) mentor_worklet_assignments, assignment_events, worklets');
}

async function counts(db: Queryable): Promise<Dataset['counts']> {
  const { rows } = await db.query(`SELECT
    (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM worklets)::int AS worklets,
    (SELECT count(*) FROM mentor_worklet_assignments)::int AS assignments,
    (SELECT count(*) FROM mentor_worklet_assignments WHERE is_active)::int AS "activeAssignments",
    (SELECT count(*) FROM assignment_events)::int AS events`);
  return rows[0] as Dataset['counts'];
}

async function withClient<T>(url: string, work: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  db.on('error', () => {});
  try {
    await db.connect();
    return await work(db);
  } catch (error) {
    if (error instanceof BenchError) throw error;
    throw new BenchError(`PostgreSQL (${new URL(url).host}): ${(error as Error).message || String(error)}`);
  } finally {
    await db.end().catch(() => {});
  }
}

/** Makes `url` hold exactly the dataset of `size`, reusing it when it already does. */
export async function ensureDataset(url: string, size: DatasetSize, reseed: boolean, log: (line: string) => void) {
  const fp = fingerprint(size);
  const program = generateProgram(size);
  const facts = datasetFacts(program);
  const dbName = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/bench/i.test(dbName)) throw new BenchError(`the benchmark database's name must contain "bench": ${dbName}`);
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';

  const exists = await withClient(adminUrl.href, async (admin) =>
    Boolean((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName])).rowCount),
  );
  if (exists && !reseed) {
    const reused = await withClient(url, async (db) => {
      const marker = await db
        .query<{ fingerprint: string; seeded_max: SeededMax }>('SELECT fingerprint, seeded_max FROM bench.dataset')
        .then((r) => r.rows[0])
        .catch(() => undefined);
      if (marker?.fingerprint !== fp) return null;
      const removed = await restoreDataset(db, marker.seeded_max);
      if (removed) log(`removed ${removed} rows left by an earlier run`);
      log('reusing the benchmark database (same dataset)');
      return { url, size, counts: await counts(db), seededMax: marker.seeded_max, facts };
    });
    if (reused) return reused;
  }
  await withClient(adminUrl.href, async (admin) => {
    const quoted = `"${dbName.replace(/"/g, '""')}"`;
    if (exists) await admin.query(`DROP DATABASE ${quoted} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${quoted}`);
  });
  log(`loading ${size.worklets} worklets, ${size.mentors} mentors, ${size.students} students`);
  await migrateDatabase(url);
  return withClient(url, async (db): Promise<Dataset> => {
    const started = performance.now();
    await loadProgram(db, program);
    await db.query('VACUUM (ANALYZE)');
    const seededMax: SeededMax = {
      users: program.users.length,
      worklets: program.worklets.length,
      assignments: program.assignments.length,
      events: program.events.length,
    };
    await db.query('CREATE SCHEMA bench');
    await db.query('CREATE TABLE bench.dataset (fingerprint text NOT NULL, seeded_max jsonb NOT NULL)');
    await db.query('INSERT INTO bench.dataset VALUES ($1, $2)', [fp, JSON.stringify(seededMax)]);
    log(`loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return { url, size, counts: await counts(db), seededMax, facts };
  });
}
