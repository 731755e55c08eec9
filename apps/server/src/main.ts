/**
 * Starts Worklets: opens the database (embedded unless DATABASE_URL is set; migrations are
 * applied; the demo program only with WORKLETS_DEMO=1), then serves the app; with
 * WORKLETS_WORKERS=N, in N worker processes of a cluster (cluster.ts).
 * SIGINT/SIGTERM: requests in flight finish (at most `shutdownGraceMs`), then the pool
 * closes and the process exits with 0. A busy port is a one-line error and exit code 1.
 */
import cluster from 'node:cluster';
import { type AuthLog, createAuth } from '@worklets/auth';
import {
  createReplicatedDatabase,
  DatabaseError,
  type OpenedDatabase,
  openDatabase,
  redactUrl,
  resolveDatabaseTarget,
} from '@worklets/db';
import { demoPassword, setDemoPasswords } from '@worklets/db/demo-passwords';
import pg from 'pg';
import { buildApp } from './app.ts';
import { portIsFree, runPrimary } from './cluster.ts';
import { ConfigError, loadConfig, type ServerConfig } from './config.ts';
import { announceFirstAdminLink, ensureFirstAdminFromEnv } from './first-admin.ts';

const shutdownGraceMs = 10_000;

class StartError extends Error {}

const portInUse = (config: ServerConfig) =>
  new StartError(
    `port ${config.port} on ${config.host} is in use: stop the program using it, or set PORT to another port`,
  );

/** Migrations were applied by openDatabase; now the demo passwords and the first admin, once. */
async function prepareDatabase(db: OpenedDatabase, config: ServerConfig) {
  if (db.appliedMigrations.length) console.log(`migrations applied: ${db.appliedMigrations.join(', ')}`);
  if (db.seededDemo) {
    await setDemoPasswords(db.prisma);
    console.log(
      `demo data loaded; sign in as admin@worklets.example (or mentor@, student@) with password "${demoPassword}"`,
    );
  }
  if (config.firstAdmin) await ensureFirstAdminFromEnv(db.prisma, config.firstAdmin, console.log);
}

/** Read replicas (README "Read replicas"): a replica that fails is logged and skipped for 5 s. */
function startReplicas(db: OpenedDatabase, config: ServerConfig) {
  if (!config.replicaUrls.length) return null;
  return createReplicatedDatabase(db.prisma, config.replicaUrls, {
    poolSize: config.poolSize,
    connectionTimeoutMs: Math.min(config.connectTimeoutMs, 1_000),
    // Prisma puts the reason on the last line of its message ("Can't reach database server at ...").
    onReplicaDown: (url, error) =>
      console.error(`read replica ${redactUrl(url)} skipped for 5 s: ${String(error).trim().split('\n').at(-1)}`),
  });
}

/** While no admin exists (and not in demo mode): the one-time setup link, printed once. */
function announceSetupLink(db: OpenedDatabase, config: ServerConfig, publicUrl: string, quiet: () => boolean) {
  return announceFirstAdminLink(db.prisma, { demo: config.demo, publicUrl, print: console.log }).catch(
    (error: unknown) => {
      if (!quiet()) console.error(`first admin link not made: ${(error as Error).message.split('\n')[0]}`);
    },
  );
}

async function main() {
  const config = loadConfig();
  const target = resolveDatabaseTarget({ DATABASE_URL: config.databaseUrl, WORKLETS_DATA_DIR: config.dataDir });
  // WORKLETS_WORKERS > 1: this primary migrates and prepares the database, closes it, and forks
  // the workers (cluster.ts); each worker opens it without migrating and serves.
  const worker = config.workers > 1 && cluster.isWorker;
  const db = await openDatabase({
    target,
    seedDemoIfEmpty: config.demo && !worker,
    migrate: !worker,
    poolSize: config.poolSize,
    connectionTimeoutMs: config.connectTimeoutMs,
    preparedStatements: config.preparedStatements,
  });
  if (!worker) await prepareDatabase(db, config);
  if (config.workers > 1 && cluster.isPrimary) {
    // One line, as a single process says it (else every worker would).
    if (!(await portIsFree(config.port, config.host))) throw portInUse(config);
    await announceSetupLink(db, config, config.publicUrl, () => false);
    await db.close();
    const where = (port: number) => config.publicUrl.replace(/:\d+$/, `:${port}`);
    return runPrimary({
      workers: config.workers,
      runningLine: (port) =>
        `Worklets is running at ${where(port)} (database: ${db.description}; ${config.workers} worker processes)`,
      stopGraceMs: shutdownGraceMs + 5_000,
    });
  }
  return serve(db, config, worker);
}

/** This process serves: the app on the port until SIGINT/SIGTERM. */
async function serve(db: OpenedDatabase, config: ServerConfig, worker: boolean) {
  const replicas = startReplicas(db, config);
  // Several processes may share a PostgreSQL server: rate limits and session ends go through it.
  const shared = db.kind === 'postgres';
  const rateLimitStore = shared
    ? new pg.Pool({ connectionString: db.connectionString, max: 4, connectionTimeoutMillis: 1_000 })
    : null;
  rateLimitStore?.on('error', () => {});
  // better-auth is created first; its log lines go to the app's logger once there is one.
  let logAuth: AuthLog = (level, message) => console.error(`auth ${level}: ${message}`);
  const app = await buildApp({
    config,
    prisma: db.prisma,
    replicaRouted: replicas?.routed,
    auth: createAuth({
      prisma: db.prisma,
      baseURL: config.publicUrl,
      secret: config.authSecret,
      trustedOrigins: config.trustedOrigins,
      log: (level, message) => logAuth(level, message),
    }),
    rateLimitStore,
    sessionEventsUrl: shared ? db.connectionString : null,
  });
  logAuth = app.logAuth;
  const closeAll = async () => {
    await rateLimitStore?.end().catch(() => {});
    await replicas?.close().catch(() => {});
    await db.close().catch(() => {});
  };
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close().catch(() => {});
    await closeAll();
    if ((error as { code?: string }).code === 'EADDRINUSE') throw portInUse(config);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = config.publicUrl.replace(/:\d+$/, `:${port}`);
  if (worker) console.log(`worker ${cluster.worker?.id} (pid ${process.pid}) is listening on port ${port}`);
  else console.log(`Worklets is running at ${url} (database: ${db.description})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing requests in flight, then stopping`);
    const force = setTimeout(() => app.server.closeAllConnections(), shutdownGraceMs);
    await app.close();
    clearTimeout(force);
    await closeAll();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  // After the signal handlers: a stop right after the start still finishes cleanly.
  if (!worker) await announceSetupLink(db, config, url, () => stopping);
}

main().catch((error: unknown) => {
  const known = error instanceof DatabaseError || error instanceof ConfigError || error instanceof StartError;
  console.error(`error: ${known ? (error as Error).message : ((error as Error)?.stack ?? String(error))}`);
  process.exit(1);
});
