/**
 * Starts the server the way `pnpm start` does (apps/server/start.sh: node dist/main.js) on a
 * free port with a fresh embedded database in a temporary folder: migrations, demo data and
 * demo accounts as a new user gets them from the README's first command (WORKLETS_DEMO=1,
 * which the server refuses with NODE_ENV=production, so NODE_ENV=development here).
 * Needs both builds: `turbo run build` (apps/web/dist and apps/server/dist).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser.ts';

const serverDir = fileURLToPath(new URL('../../server/', import.meta.url));

export type RunningServer = { url: string; log: () => string; stop(): Promise<void> };

export async function startProductionServer(env: Record<string, string> = {}): Promise<RunningServer> {
  if (!existsSync(join(serverDir, 'dist/main.js'))) throw new Error('build the server first: turbo run build');
  const port = await getPort();
  const dataDir = await mkdtemp(join(tmpdir(), 'worklets-e2e-'));
  const url = `http://localhost:${port}`;
  let output = '';
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    WORKLETS_DEMO: '1',
    PORT: String(port),
    PUBLIC_URL: url,
    WORKLETS_DATA_DIR: dataDir,
    BETTER_AUTH_SECRET: 'e2e-secret-0123456789-abcdefghijklmnopqrstuvwxyz',
    // Every browser test signs in from one address, more often than the 10 a minute people get;
    // the limits themselves are tested against the server (apps/server/test).
    WORKLETS_SIGNIN_PER_MINUTE: '1000',
    WORKLETS_AUTH_PER_MINUTE: '1000',
    ...env,
  };
  // The embedded database unless the caller names a server.
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;
  const child: ChildProcess = spawn(join(serverDir, 'start.sh'), {
    cwd: serverDir,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const deadline = Date.now() + 90_000;
  while (!output.includes('Worklets is running')) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`server did not start in time: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The server and a browser for one test file: started before its tests, stopped after them.
 * `app.server` and `app.browser` are set once the file's `beforeAll` has run.
 */
export function productionApp(env: Record<string, string> = {}) {
  const app = {} as { server: RunningServer; browser: Browser };
  beforeAll(async () => {
    app.server = await startProductionServer(env);
    app.browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await app.browser?.close();
    await app.server?.stop();
  });
  return app;
}
