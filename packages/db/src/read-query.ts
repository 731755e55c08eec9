/**
 * Hand-written reads (`Prisma.sql`) that may go to a read replica.
 *
 * Prisma's read-replicas extension routes model reads only: `$queryRaw` stays on the primary,
 * since raw SQL may write. The hottest reads of the API (a worklet's mentors, a mentor's
 * worklets, card and table pages) are hand-written SQL, which cost about half the CPU of the
 * same query built by Prisma's query compiler (`pnpm bench --profile`), so they say they are
 * reads by going through `queryRead`: on a replicated client (replicas.ts registers a reader
 * for it) they go to a healthy replica or, failing that, to the primary; on any other client
 * (the primary, a transaction, a test database) they are plain `$queryRaw`.
 */
import type { Prisma, PrismaClient } from './generated/prisma/client.ts';

type Reader = (query: Prisma.Sql) => Promise<unknown[]>;

const readers = new WeakMap<object, Reader>();

/** Makes `queryRead(client, ...)` use `reader` (replicas.ts). */
export function registerReader(client: object, reader: Reader): void {
  readers.set(client, reader);
}

/** Rows of a read-only query, from a replica where `db` has them. */
export function queryRead<Row>(db: Pick<PrismaClient, '$queryRaw'>, query: Prisma.Sql): Promise<Row[]> {
  const reader = readers.get(db);
  return (reader ? reader(query) : db.$queryRaw<Row[]>(query)) as Promise<Row[]>;
}
