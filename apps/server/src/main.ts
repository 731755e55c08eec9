/**
 * Starts Worklets: opens the database (embedded unless DATABASE_URL is set; migrations are
 * applied; the demo program only with WORKLETS_DEMO=1), then serves the app.
 * SIGINT/SIGTERM: requests in flight finish (at most `shutdownGraceMs`), then the pool
 * closes and the process exits with 0. A busy port is a one-line error and exit code 1.
 */
import { type AuthLog, createAuth } from '@worklets/auth';
import { upsertUserWithPassword } from '@worklets/auth/accounts';
import { createReplicatedDatabase, DatabaseError, openDatabase, redactUrl, resolveDatabaseTarget } from '@worklets/db';
import { demoPassword, setDemoPasswords } from '@worklets/db/demo-passwords';
import pg from 'pg';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { announceFirstAdminLink } from './first-admin.ts';

const shutdownGraceMs = 10_000;

class StartError extends Error {}

async function main() {
  const config = loadConfig();
  const target = resolveDatabaseTarget({ DATABASE_URL: config.databaseUrl, WORKLETS_DATA_DIR: config.dataDir });
  const db = await openDatabase({
    target,
    seedDemoIfEmpty: config.demo,
    poolSize: config.poolSize,
    connectionTimeoutMs: config.connectTimeoutMs,
  });
  if (db.appliedMigrations.length) console.log(`migrations applied: ${db.appliedMigrations.join(', ')}`);
  if (db.seededDemo) {
    await setDemoPasswords(db.prisma);
    console.log(
      `demo data loaded; sign in as admin@worklets.example (or mentor@, student@) with password "${demoPassword}"`,
    );
  }
  if (config.firstAdmin) {
    const admin = await upsertUserWithPassword(db.prisma, {
      ...config.firstAdmin,
      name: config.firstAdmin.email.split('@')[0]!,
      role: 'admin',
    });
    console.log(`admin ready: ${admin.email}`);
  }
  // Read replicas (README "Read replicas"): a replica that fails is logged and skipped for 5 s.
  const replicas = config.replicaUrls.length
    ? createReplicatedDatabase(db.prisma, config.replicaUrls, {
        poolSize: config.poolSize,
        connectionTimeoutMs: Math.min(config.connectTimeoutMs, 1_000),
        // Prisma puts the reason on the last line of its message ("Can't reach database server at ...").
        onReplicaDown: (url, error) =>
          console.error(`read replica ${redactUrl(url)} skipped for 5 s: ${String(error).trim().split('\n').at(-1)}`),
      })
    : null;
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
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close().catch(() => {});
    await rateLimitStore?.end().catch(() => {});
    await replicas?.close().catch(() => {});
    await db.close().catch(() => {});
    if ((error as { code?: string }).code === 'EADDRINUSE')
      throw new StartError(
        `port ${config.port} on ${config.host} is in use: stop the program using it, or set PORT to another port`,
      );
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = config.publicUrl.replace(/:\d+$/, `:${port}`);
  console.log(`Worklets is running at ${url} (database: ${db.description})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing requests in flight, then stopping`);
    const force = setTimeout(() => app.server.closeAllConnections(), shutdownGraceMs);
    await app.close();
    clearTimeout(force);
    await rateLimitStore?.end().catch(() => {});
    await replicas?.close().catch(() => {});
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  // After the signal handlers: a stop right after the start still finishes cleanly.
  await announceFirstAdminLink(db.prisma, { demo: config.demo, publicUrl: url, print: console.log }).catch(
    (error: unknown) => {
      if (!stopping) console.error(`first admin link not made: ${(error as Error).message.split('\n')[0]}`);
    },
  );
}

main().catch((error: unknown) => {
  const known = error instanceof DatabaseError || error instanceof ConfigError || error instanceof StartError;
  console.error(`error: ${known ? (error as Error).message : ((error as Error)?.stack ?? String(error))}`);
  process.exit(1);
});
