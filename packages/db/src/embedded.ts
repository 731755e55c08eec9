/**
 * The embedded default database: PGlite (PostgreSQL compiled to WebAssembly) served on
 * 127.0.0.1 through `@electric-sql/pglite-socket`, so the product reaches it with the same
 * `pg` driver, Prisma adapter and SQL as a real server: only the connection string differs.
 *
 * PGlite is one PostgreSQL session. The socket server queues statements from all
 * connections and keeps a transaction on the connection that opened it, but it can
 * interleave the messages of two extended-protocol queries; our pool therefore uses a
 * single connection for the embedded database (see `openDatabase` in database.ts).
 */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export type EmbeddedPostgres = {
  connectionString: string;
  stop(): Promise<void>;
};

/** Starts PGlite persisted in `dataDir`, or in memory when `dataDir` is undefined. */
export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  // Several sockets may be open at once (the app's pool, the migration engine, a
  // reconnect after an error); more than one must be allowed or the second is cut off.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  return {
    connectionString: `postgresql://postgres:postgres@${host}:${port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
