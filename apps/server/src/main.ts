/**
 * Starts Worklets: opens the database (embedded unless DATABASE_URL is set; migrations are
 * applied, an empty embedded database gets the demo data), then serves the app.
 */
import { createServer } from 'node:http';
import { createAuth } from '@worklets/auth';
import { upsertUserWithPassword } from '@worklets/auth/accounts';
import { demoPassword, setDemoPasswords } from '@worklets/auth/demo-accounts';
import { DatabaseError, openDatabase } from '@worklets/db';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

async function main() {
  const config = loadConfig();
  const db = await openDatabase({ poolSize: config.poolSize, connectionTimeoutMs: config.connectTimeoutMs });
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
  const auth = createAuth({
    prisma: db.prisma,
    baseURL: config.publicUrl,
    secret: config.authSecret,
    trustedOrigins: config.trustedOrigins,
  });
  const server = createServer(createApp({ config, prisma: db.prisma, auth }));
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  console.log(`Worklets is running at ${config.publicUrl.replace(/:\d+$/, `:${port}`)} (database: ${db.description})`);

  const stop = async () => {
    server.close();
    server.closeAllConnections();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const known = error instanceof DatabaseError || error instanceof ConfigError;
  console.error(`error: ${known ? (error as Error).message : ((error as Error)?.stack ?? String(error))}`);
  process.exit(1);
});
