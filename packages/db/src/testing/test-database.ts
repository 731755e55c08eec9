/**
 * A database of its own for one test file, on the engine named by WORKLETS_TEST_DB:
 *   pglite   (default) a fresh in-memory PGlite behind the socket server
 *   postgres a new database on the real server (TEST_POSTGRES_URL, default the local one),
 *            dropped again by close()
 * Both are migrated with the committed migrations unless `migrate: false`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type ClientOptions, createPrismaClient, type Database } from '../client.ts';
import { startEmbeddedPostgres } from '../embedded.ts';
import { migrateDatabase } from '../migrate/migrations.ts';

export type TestDatabaseKind = 'pglite' | 'postgres';

export type TestDatabase = Database & {
  kind: TestDatabaseKind;
  connectionString: string;
};

export const testDatabaseKind: TestDatabaseKind = process.env.WORKLETS_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
export const testPostgresAdminUrl = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export type TestDatabaseOptions = ClientOptions & { migrate?: boolean; kind?: TestDatabaseKind };

/** Creates an empty database and returns its connection string and a function that removes it. */
export async function createEmptyDatabase(
  kind: TestDatabaseKind = testDatabaseKind,
): Promise<{ connectionString: string; drop(): Promise<void> }> {
  if (kind === 'pglite') {
    const embedded = await startEmbeddedPostgres();
    return { connectionString: embedded.connectionString, drop: () => embedded.stop() };
  }
  const name = `wl_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testPostgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(testPostgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    connectionString: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: testPostgresAdminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const kind = options.kind ?? testDatabaseKind;
  const empty = await createEmptyDatabase(kind);
  try {
    if (options.migrate ?? true) await migrateDatabase(empty.connectionString);
    const db = createPrismaClient(empty.connectionString, {
      poolSize: kind === 'pglite' ? 1 : 10,
      transactionMaxWaitMs: kind === 'pglite' ? 60_000 : 20_000,
      connectionTimeoutMs: kind === 'pglite' ? 60_000 : 20_000,
      preparedStatements: kind !== 'pglite',
      ...options,
    });
    return {
      ...db,
      kind,
      connectionString: empty.connectionString,
      async close() {
        await db.close();
        await empty.drop();
      },
    };
  } catch (error) {
    await empty.drop();
    throw error;
  }
}

/**
 * Every row of every table of the public schema (migration bookkeeping aside), in
 * PostgreSQL's text form, ordered: two snapshots are equal exactly when nothing was written.
 */
export async function snapshotDatabase(pool: pg.Pool): Promise<Record<string, string[]>> {
  const tables = await pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_prisma%' ORDER BY table_name`,
  );
  const dump: Record<string, string[]> = {};
  for (const { name } of tables.rows) {
    const rows = await pool.query<{ row: string }>(`SELECT t::text AS row FROM "${name}" t ORDER BY t::text`);
    dump[name] = rows.rows.map((r) => r.row);
  }
  return dump;
}
