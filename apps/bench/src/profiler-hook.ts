/**
 * Preloaded into the Worklets server by `pnpm bench --profile`: SIGUSR2 starts the V8 CPU
 * profiler, the next SIGUSR2 stops it and writes `<BENCH_PROFILE_DIR>/<n>.cpuprofile`, so
 * the benchmark profiles exactly its measured runs (not start-up or migrations).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  let running = false;
  let count = 0;
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))),
    );
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      void post('Profiler.enable')
        .then(() => post('Profiler.setSamplingInterval', { interval: 500 }))
        .then(() => post('Profiler.start'));
      return;
    }
    running = false;
    void post('Profiler.stop').then((result) => {
      count += 1;
      const file = join(dir, `${count}.cpuprofile`);
      writeFileSync(`${file}.tmp`, JSON.stringify((result as { profile: unknown }).profile));
      renameSync(`${file}.tmp`, file);
    });
  });
}
