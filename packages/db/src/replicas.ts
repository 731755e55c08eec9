/**
 * Read replicas (`DATABASE_REPLICA_URLS`) through Prisma's read-replicas extension
 * (https://github.com/prisma/extension-read-replicas, 0.5 for Prisma 7: replicas are
 * PrismaClient instances, here each with its own `pg` pool and driver adapter).
 *
 * What goes where (the extension's rules, version 0.5.0):
 *   - model reads outside a transaction (findMany, findFirst, findUnique, count, aggregate,
 *     groupBy and their *OrThrow forms) go to a replica, picked at random;
 *   - writes, interactive and batch transactions, and raw SQL (`$queryRaw` as well as
 *     `$executeRaw`) stay on the primary;
 *   - except hand-written reads through `queryRead` (read-query.ts), which go to a replica
 *     like model reads.
 *
 * A replica that cannot be reached (refused, timed out, cut off, shutting down, stalled past
 * `queryTimeoutMs`, or a query cancelled by a recovery conflict) is set aside for
 * `retryAfterMs`: that read and the following ones go to another healthy replica, else to the
 * primary. The extension does not do this by itself; without it a stopped replica would fail
 * every read routed to it, and a stalled one would hold them.
 */
import { readReplicas } from '@prisma/extension-read-replicas';
import { type ClientOptions, createPrismaClient, type Database } from './client.ts';
import { describeConnectionError } from './errors.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { queryRead, registerReader } from './read-query.ts';
import { registerTransactionRunner, sqlTransaction } from './sql-transaction.ts';

export type ReplicaOptions = ClientOptions & {
  /** How long a replica that failed is left out before it is tried again (default 5 s). */
  retryAfterMs?: number;
  /** Told when a replica is set aside (log it). */
  onReplicaDown?: (url: string, error: unknown) => void;
};

export type ReplicatedDatabase = {
  /** Reads on the replicas (with fallback), everything else on the primary. */
  routed: PrismaClient;
  /** Every query on the primary (read-your-writes). */
  primary: PrismaClient;
  replicas: Database[];
  close(): Promise<void>;
};

/** SQLSTATE classes and codes that mean "this server cannot answer now", not "bad query". */
function unavailableCode(code: string | undefined): boolean {
  return Boolean(code && (code.startsWith('08') || code.startsWith('57P') || code === '53300' || code === 'P1001'));
}

/** Whether a failed read means the replica is unusable (so the read may go elsewhere). */
function replicaUnavailable(error: unknown): boolean {
  if (describeConnectionError(error)) return true;
  for (let e: unknown = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const meta = (e as { meta?: { code?: string; driverAdapterError?: { cause?: { originalCode?: string } } } }).meta;
    const codes = [(e as { code?: string }).code, meta?.code, meta?.driverAdapterError?.cause?.originalCode];
    if (codes.some(unavailableCode)) return true;
    const message = e instanceof Error ? e.message : '';
    if (
      /conflict with recovery|the database system is (starting up|shutting down|in recovery mode)|ECONNREFUSED|Connection terminated|timeout exceeded when trying to connect|Query read timeout/i.test(
        message,
      )
    )
      return true;
  }
  return false;
}

type Call = { model: string | undefined; operation: string; args: unknown };

/** Runs a model operation on another client (the model name is Prisma's, e.g. `User`). */
function runOn(client: PrismaClient, { model, operation, args }: Call): Promise<unknown> {
  const target = (model ? (client as unknown as Record<string, unknown>)[model] : client) as Record<
    string,
    (args: unknown) => Promise<unknown>
  >;
  return target[operation]!(args);
}

/** The primary client extended with the read-replicas extension and the fallback above. */
export function createReplicatedDatabase(
  primary: PrismaClient,
  replicaUrls: string[],
  options: ReplicaOptions = {},
): ReplicatedDatabase {
  const { retryAfterMs = 5_000, onReplicaDown, ...clientOptions } = options;
  // A replica that stalls (answers nothing, refuses nothing) fails its reads after 5 s unless told otherwise.
  const replicas = replicaUrls.map((url) => createPrismaClient(url, { queryTimeoutMs: 5_000, ...clientOptions }));
  const downUntil = replicas.map(() => 0);
  const healthy = (i: number) => Date.now() >= downUntil[i]!;

  /** A read on one client: a model operation, or a hand-written read (read-query.ts). */
  type Read = (client: PrismaClient) => Promise<unknown>;

  /** Another healthy replica's read, else the primary's. */
  function elsewhere(from: number, read: Read): Promise<unknown> {
    const other = replicas.findIndex((_, i) => i !== from && healthy(i));
    return other === -1 ? read(primary) : readOn(other, read);
  }

  async function readOn(index: number, read: Read): Promise<unknown> {
    try {
      return await read(replicas[index]!.prisma);
    } catch (error) {
      if (!replicaUnavailable(error)) throw error;
      downUntil[index] = Date.now() + retryAfterMs;
      onReplicaDown?.(replicaUrls[index]!, error);
      return elsewhere(index, read);
    }
  }

  const guarded = replicas.map((replica, index) =>
    replica.prisma.$extends({
      query: {
        $allOperations({ model, operation, args }) {
          const read: Read = (client) => runOn(client, { model, operation, args });
          return (healthy(index) ? readOn(index, read) : elsewhere(index, read)) as Promise<never>;
        },
      },
    }),
  );
  const routed = primary.$extends(
    readReplicas({ replicas: guarded as unknown as Parameters<typeof readReplicas>[0]['replicas'] }),
  );
  // Hand-written reads (read-query.ts): a healthy replica at random, with the same fallback.
  registerReader(routed, (query) => {
    const read: Read = (client) => queryRead(client, query);
    const up = replicas.map((_, i) => i).filter(healthy);
    const pick = up[Math.floor(Math.random() * up.length)];
    return (pick === undefined ? read(primary) : readOn(pick, read)) as Promise<unknown[]>;
  });
  // Writes' transactions (sql-transaction.ts) on the primary's pool.
  registerTransactionRunner(routed, (work) => sqlTransaction(primary, work));
  return {
    routed: routed as unknown as PrismaClient,
    primary,
    replicas,
    async close() {
      await Promise.all(replicas.map((replica) => replica.close()));
    },
  };
}
