/**
 * The one Prisma client factory: Prisma 7's `prisma-client` generator with the `pg` driver
 * adapter, for the embedded database and a real server alike.
 * https://www.prisma.io/docs/orm/overview/databases/database-drivers
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.ts';
import { registerReader } from './read-query.ts';
import { poolTransactionRunner, registerTransactionRunner } from './sql-transaction.ts';

export type ClientOptions = {
  /** Connections in the pool. The embedded database serves one session: use 1. */
  poolSize?: number;
  /** How long a request waits for a free connection before failing (fail fast, not hang). */
  connectionTimeoutMs?: number;
  /**
   * How long a query may wait for its answer before it fails on the client side (none by
   * default). Read replicas get one: a replica that stalls without refusing would otherwise
   * hold a read until TCP gives up; with it the read goes elsewhere (replicas.ts).
   */
  queryTimeoutMs?: number;
  /** How long an interactive transaction waits for a connection. */
  transactionMaxWaitMs?: number;
  /** How long an interactive transaction may run. */
  transactionTimeoutMs?: number;
  /**
   * Whether the write transactions' statements are prepared by name (sql-transaction.ts);
   * default yes. Not on PGlite (one session for every connection), nor behind a pooler that
   * does not keep them (PgBouncer before 1.21 in transaction mode).
   */
  preparedStatements?: boolean;
  /** Called with every SQL statement sent (tests and benchmarks count them). */
  onQuery?: (sql: string) => void;
};

export type Database = {
  prisma: PrismaClient;
  pool: pg.Pool;
  close(): Promise<void>;
};

export function createPrismaClient(connectionString: string, options: ClientOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    ...(options.queryTimeoutMs ? { query_timeout: options.queryTimeoutMs } : {}),
    idleTimeoutMillis: 30_000,
  });
  // An idle client that loses its server (a restart) emits 'error' on the pool; without a
  // listener Node would crash the process. The pool drops that client and opens a new one.
  pool.on('error', () => {});
  const onQuery = options.onQuery;
  if (onQuery) {
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        const first = args[0];
        onQuery(typeof first === 'string' ? first : ((first as { text?: string })?.text ?? ''));
        return query(...args);
      };
    });
  }
  const transactionTimeoutMs = options.transactionTimeoutMs ?? 15_000;
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool),
    transactionOptions: { maxWait: options.transactionMaxWaitMs ?? 10_000, timeout: transactionTimeoutMs },
  });
  // Hand-written reads (read-query.ts) go to this pool directly: Prisma's runtime cost more
  // CPU than PostgreSQL's answer (0.29 ms against 0.11 ms a call for a worklet's mentors).
  registerReader(prisma, async (query) => (await pool.query(query.text, query.values)).rows);
  // So do the assignment writes' transactions (sql-transaction.ts), for the same reason.
  registerTransactionRunner(
    prisma,
    poolTransactionRunner(pool, { timeoutMs: transactionTimeoutMs, prepared: options.preparedStatements ?? true }),
  );
  return {
    prisma,
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
