/**
 * One Vitest run, several projects (https://vitest.dev/guide/projects):
 * the data layer, API and server tests run twice, on the embedded database (PGlite) and on
 * the real PostgreSQL server; pure unit tests run once.
 */
import { defineConfig } from 'vitest/config';

const databaseTests = [
  'packages/db/test/**/*.test.ts',
  'packages/api/test/**/*.test.ts',
  'apps/server/test/**/*.test.ts',
];
const pureTests = ['packages/api/test/wire-format.test.ts'];
/** PostgreSQL only: the read-replica test builds its own primary and streaming replica; the
 * scale-out test runs several server processes on one database (PGlite serves one process). */
const postgresOnlyTests = ['apps/server/test/read-replicas.test.ts', 'apps/server/test/scale-out.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/validators/test/**/*.test.ts', 'packages/api/test/wire-format.test.ts'],
        },
      },
      // The browser tests need the production build: `pnpm --filter @worklets/web build` first.
      {
        extends: true,
        test: { name: 'e2e', include: ['apps/web/e2e/**/*.e2e.test.ts'], fileParallelism: false, testTimeout: 120_000 },
      },
      {
        extends: true,
        test: {
          name: 'web',
          include: ['apps/web/src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['apps/web/src/test-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'pglite',
          include: databaseTests,
          exclude: [...pureTests, ...postgresOnlyTests],
          env: { WORKLETS_TEST_DB: 'pglite' },
        },
      },
      {
        extends: true,
        test: { name: 'postgres', include: databaseTests, exclude: pureTests, env: { WORKLETS_TEST_DB: 'postgres' } },
      },
    ],
  },
});
