/**
 * Prisma CLI configuration. Used by `prisma generate` (see packages/db/scripts/generate.mjs)
 * and, where Prisma's native schema engine can be downloaded, by a plain
 * `prisma migrate deploy`. On our machines migrations run through Prisma's WebAssembly
 * engine instead: packages/db/src/migrate.
 */
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
