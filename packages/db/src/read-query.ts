/**
 * Hand-written reads (`Prisma.sql`): straight to the `pg` pool, and to a read replica where
 * there are replicas.
 *
 * The hottest reads of the API (a worklet's mentors, a mentor's worklets, card and table
 * pages) are hand-written SQL. Through Prisma (`$queryRaw`) a worklet's mentors cost 0.29 ms of
 * CPU a call, through `pg` alone 0.11 ms, built by Prisma's query compiler 0.47 ms (3,000 calls,
 * 10 at a time, `pnpm bench`'s dataset). So they go through `queryRead`: on a client made by
 * `createPrismaClient` (client.ts registers a reader for it) they run on its `pg` pool; on a
 * replicated client (replicas.ts) on a healthy replica's pool or, failing that, the primary's,
 * since Prisma's read-replicas extension routes model reads only and leaves raw SQL on the
 * primary; on anything else (a transaction) they are plain `$queryRaw`, inside it. `pg` and
 * Prisma give the same values for what these queries select: integers, text, booleans,
 * timestamptz as Date and json parsed (no bigint or numeric columns).
 */
import type { Prisma } from './generated/prisma/client.ts';
import type { SqlClient } from './sql-transaction.ts';

type Reader = (query: Prisma.Sql) => Promise<unknown[]>;

const readers = new WeakMap<object, Reader>();

/** Makes `queryRead(client, ...)` use `reader` (client.ts: its pg pool; replicas.ts: a replica's). */
export function registerReader(client: object, reader: Reader): void {
  readers.set(client, reader);
}

/** Rows of a read-only query, from a replica where `db` has them. */
export function queryRead<Row>(db: Pick<SqlClient, '$queryRaw'>, query: Prisma.Sql): Promise<Row[]> {
  const reader = readers.get(db);
  return (reader ? reader(query) : db.$queryRaw<Row[]>(query)) as Promise<Row[]>;
}
