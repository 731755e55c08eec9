/**
 * The embedded database for `--embedded`: PGlite in memory behind its socket server, in a
 * process of its own (so its WebAssembly work does not run on the load generator's thread).
 */
import { startEmbeddedPostgres } from '@worklets/db';

const db = await startEmbeddedPostgres(process.env.BENCH_PGLITE_DIR || undefined);
console.log(`PGlite ready at ${db.connectionString}`);
const stop = async () => {
  await db.stop().catch(() => {});
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
