/**
 * WORKLETS_WORKERS=N: the primary process of a node:cluster
 * (https://nodejs.org/api/cluster.html). It runs no server itself: it forks N workers, each
 * the normal server, that share the listening socket (the primary hands connections out
 * round-robin). The database was migrated before the fork, so workers never race on it.
 *   - a worker that dies is started again after a backoff (0.5 s, doubling up to 30 s; back
 *     to 0.5 s once a worker has run for a minute), logged;
 *   - a worker that fails on the first start (bad database URL, busy port) stops them all:
 *     exit code 1, as a single process would;
 *   - SIGINT/SIGTERM: every worker finishes its requests in flight and exits, then the primary
 *     exits with 0 (1 if a worker did not stop cleanly).
 * Nothing but PostgreSQL is shared between workers: see the README's "Deployment".
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:net';

const firstBackoffMs = 500;
const maxBackoffMs = 30_000;
const healthyAfterMs = 60_000;

export type PrimaryOptions = {
  workers: number;
  /** Printed once every worker listens, with the port they listen on. */
  runningLine: (port: number) => string;
  /** After this long, workers still stopping are killed. */
  stopGraceMs: number;
};

export function runPrimary({ workers, runningLine, stopGraceMs }: PrimaryOptions): void {
  const alive = new Set<Worker>();
  const startedOnce = new Set<number>();
  let stopping = false;
  let announced = false;
  let exitCode = 0;

  const finish = () => {
    if (alive.size === 0) process.exit(exitCode);
  };

  const stopAll = (code: number) => {
    stopping = true;
    exitCode = Math.max(exitCode, code);
    for (const worker of alive) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of alive) worker.process.kill('SIGKILL');
    }, stopGraceMs).unref();
    finish();
  };

  const start = (slot: number, failures: number) => {
    const worker = cluster.fork();
    const startedAt = Date.now();
    alive.add(worker);
    worker.once('listening', (address) => {
      startedOnce.add(slot);
      if (startedOnce.size === workers && !announced) {
        announced = true;
        console.log(runningLine(address.port));
      }
    });
    worker.once('exit', (code, signal) => {
      alive.delete(worker);
      const how = signal ?? `code ${code}`;
      if (stopping) {
        // A worker still starting has no handler yet: the signal itself ends it, which is fine.
        if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGINT') exitCode = 1;
        return finish();
      }
      if (!startedOnce.has(slot)) {
        console.error(`error: worker ${slot} stopped before it served (${how}): stopping all workers`);
        return stopAll(1);
      }
      const next = Date.now() - startedAt > healthyAfterMs ? 0 : failures + 1;
      const delay = Math.min(maxBackoffMs, firstBackoffMs * 2 ** Math.max(0, next - 1));
      console.error(
        `worker ${slot} (pid ${worker.process.pid}) exited unexpectedly (${how}); restarting in ${delay} ms`,
      );
      setTimeout(() => {
        if (!stopping) start(slot, next);
      }, delay);
    });
  };

  for (let slot = 1; slot <= workers; slot++) start(slot, 0);
  const onSignal = (signal: string) => {
    if (stopping) return;
    console.log(`${signal}: telling ${alive.size} workers to finish requests in flight, then stopping`);
    stopAll(0);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}

/** Whether nobody listens on the port now (checked before the fork; a race is caught by the workers). */
export function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}
