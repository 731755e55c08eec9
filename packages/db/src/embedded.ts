/**
 * The embedded default database: PGlite (PostgreSQL compiled to WebAssembly) served by
 * `@electric-sql/pglite-socket`, so the product reaches it with the same `pg` driver,
 * Prisma adapter and SQL as a real server: only the connection string differs.
 *
 * A persisted database is closed to other local users and to other processes:
 *   - PGlite accepts any user and password as superuser, so it is served on a Unix socket
 *     inside `<dataDir>.run/`, a directory only this user can enter (0700), never on a TCP
 *     port that any local user could reach;
 *   - `.data` and everything in it are created for this user only (directories 0700, files
 *     0600; the WAL holds live session tokens): the process umask is 077 from here on, and
 *     files left with wider modes by an older version are narrowed on open (the data and run
 *     directories always; their parent only when it is a `.data` directory, never e.g. /tmp);
 *   - one process per data directory (embedded-lock.ts): any other process that would open
 *     it stops with a one-line error naming the holder.
 * An in-memory database (tests, the migration diff) has no files and stays on 127.0.0.1.
 *
 * PGlite is one PostgreSQL session. The socket server queues statements from all
 * connections and keeps a transaction on the connection that opened it, but it can
 * interleave the messages of two extended-protocol queries; our pool therefore uses a
 * single connection for the embedded database (see `openDatabase` in database.ts).
 */
import { chmodSync, mkdirSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { lockDataDirectory } from './embedded-lock.ts';

export type EmbeddedPostgres = {
  connectionString: string;
  stop(): Promise<void>;
};

/** Narrows `dir` and everything under it to this user: directories 0700, files 0600. */
function restrictTree(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) restrictTree(path);
    else if (entry.isFile()) chmodSync(path, 0o600);
  }
}

/** Where a persisted database's lock file and socket live: `<dataDir>.run/`. */
export function runDirectoryOf(dataDir: string): string {
  return `${dataDir.replace(/\/+$/, '')}.run`;
}

/** Starts PGlite persisted in `dataDir`, or in memory when `dataDir` is undefined. */
export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  if (!dataDir) return serve(await PGlite.create({}), { host: '127.0.0.1', port: 0 }, null);
  // Files PGlite creates from now on are this user's only.
  process.umask(0o077);
  // The product's `.data` directory (the default's parent) is its own: only its owner enters it.
  // Any other parent (WORKLETS_DATA_DIR=/srv/worklets, a temporary directory) is left as it is.
  const parent = dirname(dataDir);
  mkdirSync(parent, { recursive: true, mode: 0o700 });
  if (basename(parent) === '.data') chmodSync(parent, 0o700);
  const runDir = runDirectoryOf(dataDir);
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  chmodSync(runDir, 0o700);
  const release = lockDataDirectory(dataDir, join(runDir, 'lock'));
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    restrictTree(dataDir);
    const socketPath = join(runDir, '.s.PGSQL.5432');
    // A socket file left by a process that died (we hold the lock: nobody serves it).
    rmSync(socketPath, { force: true });
    const db = await PGlite.create({ dataDir });
    // PGlite writes a few files of its own with fixed modes on start: narrow them too.
    restrictTree(dataDir);
    return await serve(db, { path: socketPath }, () => {
      release();
      // Empty once the socket and the lock are gone: leave nothing behind beside the data.
      rmSync(socketPath, { force: true });
      try {
        rmdirSync(runDir);
      } catch {
        // Not empty (another file someone put there): keep it.
      }
    });
  } catch (error) {
    release();
    throw error;
  }
}

async function serve(
  db: PGlite,
  where: { host: string; port: number } | { path: string },
  release: (() => void) | null,
): Promise<EmbeddedPostgres> {
  // Several sockets may be open at once (the app's pool, the migration engine, a
  // reconnect after an error); more than one must be allowed or the second is cut off.
  const server = new PGLiteSocketServer({ db, ...where, maxConnections: 16 });
  await server.start();
  let connectionString: string;
  if ('path' in where) {
    // pg reaches a Unix socket as host = its directory, port = the number in its name.
    connectionString = `postgresql://postgres@localhost:5432/postgres?host=${encodeURIComponent(dirname(where.path))}`;
  } else {
    const [host, port] = server.getServerConn().split(':');
    connectionString = `postgresql://postgres:postgres@${host}:${port}/postgres?sslmode=disable`;
  }
  return {
    connectionString,
    async stop() {
      try {
        await server.stop();
        await db.close();
      } finally {
        release?.();
      }
    },
  };
}
