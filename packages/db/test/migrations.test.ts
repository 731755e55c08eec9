/**
 * The committed migrations (prisma/migrations) and the WASM schema engine that applies them
 * (packages/db/src/migrate): they apply once, they build exactly the schema of
 * prisma/schema.prisma (no drift), no migration is pending creation, and a failing
 * migration leaves nothing half-applied.
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DatabaseError } from '../src/errors.ts';
import { diffSchemaText, isEmptyMigration, migrateDatabase } from '../src/migrate/migrations.ts';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from '../src/testing/test-database.ts';
import { databaseTestTimeouts } from './support.ts';

vi.setConfig(databaseTestTimeouts);

const prismaDir = fileURLToPath(new URL('../../../prisma/', import.meta.url));
const committedDir = join(prismaDir, 'migrations');

async function committedMigrationNames(): Promise<string[]> {
  const entries = await readdir(committedDir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

type Queryable = Pick<pg.Pool, 'query'>;

/** The database's structure from the catalogs (PGlite and PostgreSQL alike), without Prisma's own table. */
async function structure(db: Queryable) {
  const unprefixed = (text: string | null) => (text === null ? null : text.replace(/\bpublic\./g, ''));
  const columns = await db.query<{
    table: string;
    column: string;
    type: string;
    not_null: boolean;
    default: string | null;
  }>(`
    SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
           a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations'
    ORDER BY c.relname, a.attnum`);
  const constraints = await db.query<{ table: string; name: string; type: string; definition: string }>(`
    SELECT c.relname AS table, con.conname AS name, con.contype::text AS type, pg_get_constraintdef(con.oid) AS definition
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname <> '_prisma_migrations'
    ORDER BY c.relname, con.conname`);
  const indexes = await db.query<{ table: string; name: string; definition: string }>(`
    SELECT c.relname AS table, ic.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname <> '_prisma_migrations'
    ORDER BY c.relname, ic.relname`);
  const enums = await db.query<{ name: string; labels: string[] }>(`
    SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
    FROM pg_type t
    JOIN pg_enum e ON e.enumtypid = t.oid
    JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public'
    GROUP BY t.typname
    ORDER BY t.typname`);
  const relations = await db.query<{ name: string; kind: string }>(`
    SELECT c.relname AS name, c.relkind::text AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname NOT LIKE '\\_prisma\\_migrations%'
    ORDER BY c.relname`);
  return {
    columns: columns.rows.map((r) => ({ ...r, default: unprefixed(r.default) })),
    constraints: constraints.rows.map((r) => ({ ...r, definition: unprefixed(r.definition) })),
    indexes: indexes.rows.map((r) => ({ ...r, definition: unprefixed(r.definition) })),
    enums: enums.rows,
    relations: relations.rows,
  };
}

let migrated: TestDatabase;
let fromSchema: TestDatabase;
let firstRun: string[];
const tempDirs: string[] = [];

beforeAll(async () => {
  [migrated, fromSchema] = await Promise.all([
    createTestDatabase({ migrate: false }),
    createTestDatabase({ migrate: false }),
  ]);
  firstRun = await migrateDatabase(migrated.connectionString);
});

afterAll(async () => {
  await Promise.all([migrated?.close(), fromSchema?.close()]);
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('applying the committed migrations', () => {
  it('applies every committed migration to an empty database, in order, and nothing on a second run', async () => {
    const names = await committedMigrationNames();
    expect(names.length).toBeGreaterThan(0);
    expect(firstRun).toEqual(names);
    expect(await migrateDatabase(migrated.connectionString)).toEqual([]);
  });

  it('four servers migrating one empty PostgreSQL at once: one applies everything, the others find nothing pending', async () => {
    // Several hosts started together on a new release (README, Deployment). The embedded
    // database serves one process, so this is a real server's case only.
    const empty = await createEmptyDatabase('postgres');
    try {
      const runs = await Promise.allSettled([1, 2, 3, 4].map(() => migrateDatabase(empty.connectionString)));
      expect(runs.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      const applied = runs.map((r) => (r.status === 'fulfilled' ? r.value.length : -1)).sort((a, b) => b - a);
      expect(applied).toEqual([(await committedMigrationNames()).length, 0, 0, 0]);
    } finally {
      await empty.drop();
    }
  });

  it('records one finished row per migration in _prisma_migrations, with the checksum of the committed file', async () => {
    const names = await committedMigrationNames();
    const recorded = await migrated.pool.query<{
      migration_name: string;
      checksum: string;
      finished: boolean;
      rolled_back_at: Date | null;
      logs: string | null;
      applied_steps_count: number;
    }>(`SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at, logs, applied_steps_count
        FROM _prisma_migrations ORDER BY migration_name`);
    const expected = await Promise.all(
      names.map(async (name) => ({
        migration_name: name,
        checksum: createHash('sha256')
          .update(await readFile(join(committedDir, name, 'migration.sql')))
          .digest('hex'),
        finished: true,
        rolled_back_at: null,
        logs: null,
        applied_steps_count: 1,
      })),
    );
    expect(recorded.rows).toEqual(expected);
  });
});

/** The CHECK constraints the migrations write by hand (see 20261201130700_change_batches_capacity). */
const handWrittenChecks = ['program_settings_capacity_range', 'program_settings_one_row', 'users_capacity_range'];

describe('no drift between the migrations and prisma/schema.prisma', () => {
  let fromMigrations: Awaited<ReturnType<typeof structure>>;

  beforeAll(async () => {
    const sql = await diffSchemaText(null, await readFile(join(prismaDir, 'schema.prisma'), 'utf8'));
    expect(sql).toContain('CREATE TABLE');
    await fromSchema.pool.query(sql);
    fromMigrations = await structure(migrated.pool);
  });

  it('builds the same tables, columns, constraints, indexes, enums and sequences as the schema itself', async () => {
    const expected = await structure(fromSchema.pool);
    // Not vacuous: the tables and the partial index are there.
    expect(expected.relations).toEqual(
      expect.arrayContaining([
        { name: 'mentor_worklet_assignments', kind: 'r' },
        { name: 'users_id_seq', kind: 'S' },
      ]),
    );
    expect(expected.indexes.find((i) => i.name === 'one_active_primary_per_worklet')?.definition).toContain('WHERE');
    expect(expected.enums).toContainEqual({ name: 'role_type', labels: ['Primary', 'Secondary', 'Collaborator'] });
    expect(fromMigrations.columns).toEqual(expected.columns);
    // CHECK constraints cannot be said in a Prisma schema: the migrations add them by hand,
    // and this list is every one of them (any other difference is drift).
    const checks = fromMigrations.constraints.filter((c) => c.type === 'c');
    expect(checks.map((c) => c.name).sort()).toEqual(handWrittenChecks);
    expect(fromMigrations.constraints.filter((c) => c.type !== 'c')).toEqual(expected.constraints);
    expect(fromMigrations.indexes).toEqual(expected.indexes);
    expect(fromMigrations.enums).toEqual(expected.enums);
    expect(fromMigrations.relations).toEqual(expected.relations);
  });

  it('the comparison notices a changed nullability, default, constraint, index predicate and enum order', async () => {
    // Changes one thing of each kind in the schema-built database (the last test to use it).
    const q = fromSchema.pool;
    await q.query('ALTER TABLE users ALTER COLUMN name DROP NOT NULL');
    await q.query(`ALTER TABLE worklets ALTER COLUMN description SET DEFAULT 'tbd'`);
    await q.query('ALTER TABLE worklets DROP CONSTRAINT worklets_mentor_id_fkey');
    await q.query(
      'ALTER TABLE worklets ADD CONSTRAINT worklets_mentor_id_fkey FOREIGN KEY (mentor_id) REFERENCES users(id) ON DELETE CASCADE ON UPDATE CASCADE',
    );
    await q.query('DROP INDEX one_active_primary_per_worklet');
    await q.query(
      `CREATE UNIQUE INDEX one_active_primary_per_worklet ON mentor_worklet_assignments (worklet_id) WHERE role_type = 'Primary'`,
    );
    await q.query(`ALTER TYPE role_type ADD VALUE 'Lead' BEFORE 'Secondary'`);
    const changed = await structure(q);
    const diff = (a: unknown[], b: unknown[]) =>
      b.filter((x) => !a.some((y) => JSON.stringify(y) === JSON.stringify(x)));
    expect(diff(fromMigrations.columns, changed.columns)).toEqual([
      { table: 'users', column: 'name', type: 'text', not_null: false, default: null },
      { table: 'worklets', column: 'description', type: 'text', not_null: true, default: `'tbd'::text` },
    ]);
    expect(diff(fromMigrations.constraints, changed.constraints)).toHaveLength(1);
    expect(diff(fromMigrations.indexes, changed.indexes)).toHaveLength(1);
    expect(diff(fromMigrations.enums, changed.enums)).toEqual([
      { name: 'role_type', labels: ['Primary', 'Lead', 'Secondary', 'Collaborator'] },
    ]);
  });
});

describe('no migration pending creation', () => {
  it('the snapshot beside the migrations is prisma/schema.prisma, and diffing them gives an empty migration', async () => {
    const schema = await readFile(join(prismaDir, 'schema.prisma'), 'utf8');
    const snapshot = await readFile(join(committedDir, 'schema-snapshot.prisma'), 'utf8');
    expect(snapshot).toBe(schema);
    const sql = await diffSchemaText(snapshot, schema);
    expect(isEmptyMigration(sql)).toBe(true);
    // ... while a real change would make one.
    const changed = `${schema}\nmodel DriftProbe {\n  id Int @id\n  @@map("drift_probe")\n}\n`;
    const pending = await diffSchemaText(snapshot, changed);
    expect(isEmptyMigration(pending)).toBe(false);
    expect(pending).toContain('CREATE TABLE "drift_probe"');
  });
});

describe('a failing migration', () => {
  it('rejects with a one-line DatabaseError and leaves nothing half-applied', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'worklets-migrations-'));
    tempDirs.push(dir);
    await cp(committedDir, dir, { recursive: true });
    await mkdir(join(dir, '29991231000000_broken'));
    await writeFile(
      join(dir, '29991231000000_broken', 'migration.sql'),
      'CREATE TABLE half_applied (id int); SELECT 1/0;',
    );

    const error = await migrateDatabase(migrated.connectionString, dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseError);
    const message = (error as DatabaseError).message;
    expect(message.startsWith('migration failed')).toBe(true);
    expect(message).not.toContain('\n');

    const table = await migrated.pool.query<{ t: string | null }>(
      `SELECT to_regclass('public.half_applied')::text AS t`,
    );
    expect(table.rows[0]!.t, 'the first statement of the failed migration was committed').toBeNull();
    // The migrations before it are intact.
    const recorded = await migrated.pool.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name',
    );
    expect(recorded.rows.map((r) => r.migration_name)).toEqual(await committedMigrationNames());
  });
});
