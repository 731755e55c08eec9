/**
 * Opens the product's database: the embedded PGlite (no DATABASE_URL) or a real
 * PostgreSQL server, applies pending migrations, and on an empty embedded database loads
 * the demo program. Everything that starts the product goes through here.
 */
import { type ClientOptions, createPrismaClient, type Database } from './client.ts';
import { type DatabaseTarget, redactUrl, resolveDatabaseTarget } from './config.ts';
import { startEmbeddedPostgres } from './embedded.ts';
import { DatabaseError, describeConnectionError } from './errors.ts';
import { migrateDatabase } from './migrate/migrations.ts';
import { generateDemoProgram } from './seed/demo.ts';
import { isDatabaseEmpty, loadProgram } from './seed/load.ts';
import { ensurePostgresServer } from './server-probe.ts';
import { withConnection } from './sql.ts';

export type OpenedDatabase = Database & {
  kind: DatabaseTarget['kind'];
  connectionString: string;
  /** Where the data lives, for the start-up log (password redacted). */
  description: string;
  appliedMigrations: string[];
  seededDemo: boolean;
};

export type OpenOptions = ClientOptions & {
  target?: DatabaseTarget;
  /** Load the demo program into an empty database (default: only for the embedded one). */
  seedDemoIfEmpty?: boolean;
  /** Apply pending migrations first (default). Off where another process has just migrated. */
  migrate?: boolean;
};

export async function openDatabase(options: OpenOptions = {}): Promise<OpenedDatabase> {
  const { target: requested, seedDemoIfEmpty, migrate = true, ...clientOptions } = options;
  const target = requested ?? resolveDatabaseTarget();
  const embedded = target.kind === 'embedded' ? await startEmbeddedPostgres(target.dataDir) : null;
  const connectionString = embedded ? embedded.connectionString : (target as { url: string }).url;
  const description =
    target.kind === 'embedded' ? `embedded PGlite in ${target.dataDir ?? 'memory'}` : redactUrl(target.url);
  let db: Database | undefined;
  try {
    if (!embedded) await ensurePostgresServer(connectionString);
    const appliedMigrations = migrate ? await migrateDatabase(connectionString) : [];
    db = createPrismaClient(connectionString, {
      ...clientOptions,
      // PGlite is one session: one connection, and transactions queue for it, whatever
      // pool the caller asks for (see embedded.ts).
      // Its one session outlives each connection, so statements prepared by a closed connection
      // would collide with the next one's: none are prepared by name.
      ...(embedded
        ? { poolSize: 1, transactionMaxWaitMs: 60_000, connectionTimeoutMs: 60_000, preparedStatements: false }
        : {}),
    });
    let seededDemo = false;
    if (seedDemoIfEmpty ?? embedded !== null) {
      seededDemo = await withConnection(db.pool, async (client) => {
        if (!(await isDatabaseEmpty(client))) return false;
        await loadProgram(client, generateDemoProgram());
        return true;
      });
    }
    const opened = db;
    return {
      ...opened,
      kind: target.kind,
      connectionString,
      description,
      appliedMigrations,
      seededDemo,
      async close() {
        await opened.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await db?.close().catch(() => {});
    await embedded?.stop().catch(() => {});
    if (error instanceof DatabaseError) throw error;
    const connection = describeConnectionError(error);
    throw new DatabaseError(connection ?? `could not open the database: ${(error as Error).message.split('\n')[0]}`, {
      cause: error,
    });
  }
}
