/**
 * Preloaded (`node --import`) into the servers the benchmark starts: ends the server when
 * the benchmark process is gone, even if it was killed without a chance to clean up.
 */
const parent = Number(process.env.BENCH_PARENT_PID);
if (Number.isInteger(parent) && parent > 0) {
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.exit(1);
    }
  }, 1000).unref();
}
