/**
 * Starts the production Worklets server: exactly apps/server/src/main.ts (importing it runs
 * it), under an entry file of the benchmark's own, so that tools which stop "src/main.ts"
 * processes by name on a shared machine leave the benchmark's server alone.
 */
await import('../../server/src/main.ts');
