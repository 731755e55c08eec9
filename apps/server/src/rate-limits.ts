/**
 * Rate limits (rate-limiter-flexible, https://github.com/animir/node-rate-limiter-flexible):
 * fixed one-minute windows counted in PostgreSQL, so that every server process on the
 * same database shares them, or in memory for the embedded database (one process).
 * If the store cannot be reached, counting goes on in this process's memory (and the
 * failure is logged once per interval) rather than refusing or letting everything through.
 *
 * Sign-in and the other /api/auth routes are counted in the store on every request (a
 * burst of password guesses must not slip through). API calls are many more: a store
 * round trip each cost about 0.35 ms of CPU, as much as a whole cached read, so each process
 * asks the store on a key's first call of a window, then counts in memory and adds its counts
 * to the store every `flushMs` (one statement per busy key), deciding on the store's last
 * total plus its own unsent calls. One process is exact; several may together let through
 * what they admit within one flush interval.
 */
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { ServerConfig } from './config.ts';
import type { FailureLog } from './failure-log.ts';

/** The table of the counters (created by the first server that needs it; unlogged: counters need no crash safety). */
const tableName = 'rate_limits';

type Limit =
  | 'auth'
  | 'signInIp'
  | 'signInAccount'
  | 'accountLink'
  | 'forgotPasswordIp'
  | 'forgotPasswordAddress'
  | 'changePassword'
  | 'writeUser'
  | 'writeIp'
  | 'readUser'
  | 'readIp';

/** Counted in batches (see the top of this file). */
const apiLimits = new Set<Limit>(['writeUser', 'writeIp', 'readUser', 'readIp']);

/**
 * Creates the counters' table once. Several processes start together (WORKLETS_WORKERS, a
 * deployment of several hosts): `CREATE ... IF NOT EXISTS` alone races in PostgreSQL (both see
 * no table, one fails on the row type's name), so the creation is serialised by a
 * transaction-scoped advisory lock and the late ones find the table.
 */
async function ensureTable(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('worklets:${tableName}'))`);
    await client.query(
      `CREATE UNLOGGED TABLE IF NOT EXISTS "${tableName}" (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

const flushMs = 200;

/** API-call limits: exact in this process, shared through `store` with a delay of at most flushMs. */
class BatchedLimiter {
  private readonly pending = new Map<string, number>();
  private readonly shared = new Map<string, { points: number; resetAt: number }>();
  private readonly local: RateLimiterMemory;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: RateLimiterPostgres,
    private readonly points: number,
    keyPrefix: string,
    private readonly logFailure: FailureLog,
  ) {
    // This process's own calls, window by window, whatever the store says.
    this.local = new RateLimiterMemory({ keyPrefix, points, duration: 60 });
  }

  async hit(key: string, count: number): Promise<number | null> {
    const now = Date.now();
    const known = this.shared.get(key);
    const sharedPoints = known && known.resetAt > now ? known.points : 0;
    const pending = this.pending.get(key) ?? 0;
    if (sharedPoints + pending + count > this.points)
      return Math.max(1, Math.ceil(((known?.resetAt ?? now + 60_000) - now) / 1000));
    try {
      await this.local.consume(key, count);
    } catch (refused) {
      if (refused instanceof RateLimiterRes) return Math.max(1, Math.ceil(refused.msBeforeNext / 1000));
      throw refused;
    }
    if (!known || known.resetAt <= now) {
      // First call of the key in this window here: ask the store now, to start from the shared total.
      try {
        const res = await this.store.penalty(key, count);
        this.shared.set(key, { points: res.consumedPoints, resetAt: Date.now() + res.msBeforeNext });
        return res.consumedPoints > this.points ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : null;
      } catch (error) {
        this.logFailure('rate-limit store', error);
      }
    }
    this.pending.set(key, pending + count);
    this.timer ??= setTimeout(() => void this.flush(), flushMs).unref();
    return null;
  }

  private async flush(): Promise<void> {
    this.timer = null;
    const batch = [...this.pending];
    this.pending.clear();
    if (this.shared.size > 50_000) this.shared.clear();
    await Promise.all(
      batch.map(async ([key, count]) => {
        try {
          const res = await this.store.penalty(key, count);
          this.shared.set(key, { points: res.consumedPoints, resetAt: Date.now() + res.msBeforeNext });
        } catch (error) {
          this.logFailure('rate-limit store', error);
        }
      }),
    );
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
    // One-time links (accept) per IP; "forgot password" per IP and per address (each sends a mail).
    accountLink: config.signInPerMinute,
    forgotPasswordIp: config.signInPerMinute,
    forgotPasswordAddress: Math.max(1, Math.ceil(config.signInPerMinute / 3)),
    // Guesses at the current password when changing it, per user.
    changePassword: Math.max(1, Math.ceil(config.signInPerMinute / 2)),
    writeUser: config.writesPerMinute,
    writeIp: config.writesPerMinute * 4,
    readUser: config.readsPerMinute,
    readIp: config.readsPerMinute * 4,
  };
  if (store) await ensureTable(store);
  const limiters = new Map<Limit, { main: RateLimiterMemory | RateLimiterPostgres; fallback: RateLimiterMemory }>();
  const batched = new Map<Limit, BatchedLimiter>();
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
    if (main instanceof RateLimiterPostgres && apiLimits.has(limit))
      batched.set(limit, new BatchedLimiter(main, allowed, common.keyPrefix, logFailure));
  }

  return {
    async hit(limit, key, count = 1) {
      const api = batched.get(limit);
      if (api) return api.hit(key, count);
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
