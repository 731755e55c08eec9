/**
 * Rate limits (rate-limiter-flexible, https://github.com/animir/node-rate-limiter-flexible):
 * fixed one-minute windows counted in PostgreSQL, so that every server process on the
 * same database shares them, or in memory for the embedded database (one process).
 * If the store cannot be reached, counting goes on in this process's memory (and the
 * failure is logged once per interval) rather than refusing or letting everything through.
 */
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { ServerConfig } from './config.ts';
import type { FailureLog } from './failure-log.ts';

/** The table of the counters (created by the first server that needs it; unlogged: counters need no crash safety). */
const tableName = 'rate_limits';

export type Limit = 'auth' | 'signInIp' | 'signInAccount' | 'writeUser' | 'writeIp' | 'readUser' | 'readIp';

async function ensureTable(pool: pg.Pool): Promise<void> {
  try {
    await pool.query(
      `CREATE UNLOGGED TABLE IF NOT EXISTS "${tableName}" (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`,
    );
  } catch (error) {
    // Two processes creating it at the same moment: the other one won.
    if ((error as { code?: string }).code !== '23505' && (error as { code?: string }).code !== '42P07') throw error;
  }
}

export type RateLimits = {
  /** Counts `points` for `key`; null when allowed, else the whole seconds to wait (1 or more). */
  hit(limit: Limit, key: string, points?: number): Promise<number | null>;
};

export async function createRateLimits(options: {
  config: Pick<ServerConfig, 'authPerMinute' | 'signInPerMinute' | 'writesPerMinute' | 'readsPerMinute'>;
  /** A pool on the shared PostgreSQL database; none: memory of this process. */
  store: pg.Pool | null;
  /** Separates the counters of servers that must not share them (tests). */
  namespace?: string;
  logFailure: FailureLog;
}): Promise<RateLimits> {
  const { config, store, logFailure } = options;
  const namespace = options.namespace ?? 'worklets';
  const points: Record<Limit, number> = {
    auth: config.authPerMinute,
    signInIp: config.signInPerMinute,
    signInAccount: config.signInPerMinute,
    writeUser: config.writesPerMinute,
    writeIp: config.writesPerMinute * 4,
    readUser: config.readsPerMinute,
    readIp: config.readsPerMinute * 4,
  };
  if (store) await ensureTable(store);
  const limiters = new Map<Limit, { main: RateLimiterMemory | RateLimiterPostgres; fallback: RateLimiterMemory }>();
  for (const [limit, allowed] of Object.entries(points) as [Limit, number][]) {
    const common = { keyPrefix: `${namespace}:${limit}`, points: allowed, duration: 60 };
    const fallback = new RateLimiterMemory(common);
    const main = store
      ? new RateLimiterPostgres({
          ...common,
          storeClient: store,
          storeType: 'pool',
          tableName,
          tableCreated: true,
          clearExpiredByTimeout: true,
        })
      : fallback;
    limiters.set(limit, { main, fallback });
  }

  return {
    async hit(limit, key, count = 1) {
      const { main, fallback } = limiters.get(limit)!;
      try {
        try {
          await main.consume(key, count);
        } catch (error) {
          if (error instanceof RateLimiterRes || main === fallback) throw error;
          logFailure('rate-limit store', error);
          await fallback.consume(key, count);
        }
        return null;
      } catch (refused) {
        if (!(refused instanceof RateLimiterRes)) throw refused;
        return Math.max(1, Math.ceil(refused.msBeforeNext / 1000));
      }
    },
  };
}
