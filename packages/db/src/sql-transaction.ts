/**
 * Transactions of hand-written SQL, straight on the `pg` pool.
 *
 * The assignment writes (assign, set mentors, change role, deactivate, reactivate) are a
 * dozen short statements in one transaction. Run as a Prisma interactive transaction, half of
 * the server's CPU for an assign went to Prisma's runtime around them (the transaction
 * client's proxies and the raw-query pipeline: 12 ms of CPU an assign, sequentially, on the
 * 50,000-worklet bench database, 2026-12); PostgreSQL's own work is the same either way.
 * `sqlTransaction` runs such a unit of work on a connection of the client's own pool
 * (client.ts registers it; a replicated client registers its primary's, replicas.ts), with
 * the same guarantees as Prisma's: BEGIN, COMMIT, ROLLBACK on any error, a connection wait and
 * a time limit. Failures of PostgreSQL come out as Prisma's own error class, with the SQLSTATE
 * in `meta.code` as Prisma reports it for raw queries, so the API maps them as before
 * (unique violation, deadlock retry, database unavailable). On any other client (a
 * transaction already open), the work runs inside it.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { Prisma } from './generated/prisma/client.ts';

/** What hand-written SQL needs of a client: a Prisma transaction client has it, and so does ours. */
export interface SqlClient {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

type Runner = <T>(work: (tx: SqlClient) => Promise<T>) => Promise<T>;

const runners = new WeakMap<object, Runner>();

/** Makes `sqlTransaction(client, ...)` run on `runner` (client.ts, replicas.ts). */
export function registerTransactionRunner(client: object, runner: Runner): void {
  runners.set(client, runner);
}

/** Runs `work` in one transaction: on the client's pool where it has one, else inside `db` (a transaction). */
export function sqlTransaction<T>(db: SqlClient, work: (tx: SqlClient) => Promise<T>): Promise<T> {
  const runner = runners.get(db);
  return runner ? runner(work) : work(db);
}

/** A PostgreSQL error as Prisma reports a failed raw query (P2010, SQLSTATE in meta.code). */
function asPrismaError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof Prisma.PrismaClientKnownRequestError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return error;
  return new Prisma.PrismaClientKnownRequestError(
    `Raw query failed. Code: \`${code}\`. Message: \`${error.message}\``,
    {
      code: 'P2010',
      clientVersion: Prisma.prismaVersion.client,
      meta: { code, message: error.message },
    },
  );
}

const statementNames = new Map<string, string>();
/** Distinct statements prepared per process at most (each connection keeps those it ran). */
const maxPreparedStatements = 200;

/**
 * The statement as a named prepared statement: PostgreSQL parses and plans it once per
 * connection instead of on every call (database CPU per assign under load fell from 0.48% to
 * 0.30% of a core per request/s in `pnpm bench`). The write path's statements are few and fixed
 * texts (ids and arrays are parameters); past `maxPreparedStatements` distinct texts the rest
 * run unnamed.
 */
function preparedStatement(text: string, values: unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < maxPreparedStatements) {
    name = `worklets_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name === undefined ? { text, values } : { name, text, values };
}

/** Prisma's own error when a transaction ran past its time (mapped to "busy or unavailable"). */
function expiredError(timeoutMs: number): Error {
  return new Prisma.PrismaClientKnownRequestError(
    `Transaction already closed: the transaction ran longer than its ${timeoutMs} ms and was rolled back.`,
    { code: 'P2028', clientVersion: Prisma.prismaVersion.client },
  );
}

function sqlOf(query: TemplateStringsArray | Prisma.Sql, values: unknown[]): Prisma.Sql {
  return query instanceof Prisma.Sql ? query : Prisma.sql(query, ...values);
}

/** `pg` result rows as `$queryRaw` gives them for what our statements select (no bigint or numeric columns). */
function clientOn(connection: pg.PoolClient, isOpen: () => boolean, options: RunnerOptions): SqlClient {
  const { timeoutMs } = options;
  const run = async (text: string, values: unknown[]) => {
    if (!isOpen()) throw expiredError(timeoutMs);
    try {
      return await connection.query(options.prepared ? preparedStatement(text, values) : { text, values });
    } catch (error) {
      throw isOpen() ? asPrismaError(error) : expiredError(timeoutMs);
    }
  };
  return {
    async $queryRaw<T>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) {
      const sql = sqlOf(query, values);
      return (await run(sql.text, sql.values)).rows as T;
    },
    async $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) {
      const sql = sqlOf(query, values);
      return (await run(sql.text, sql.values)).rowCount ?? 0;
    },
    async $queryRawUnsafe<T>(query: string, ...values: unknown[]) {
      return (await run(query, values)).rows as T;
    },
  };
}

export type RunnerOptions = { timeoutMs: number; prepared: boolean };

/**
 * The runner on a pool. A transaction whose work runs past `timeoutMs` loses its connection
 * (the pool closes it, PostgreSQL rolls back), and its next statement fails with P2028, as
 * Prisma's interactive transactions do; once the work is done the COMMIT is not cut short (its
 * outcome would be unknown). The pool's own connection timeout bounds the wait for a connection.
 */
export function poolTransactionRunner(pool: pg.Pool, options: RunnerOptions): Runner {
  const { timeoutMs } = options;
  return async (work) => {
    const connection = await pool.connect().catch((error: unknown) => {
      throw asPrismaError(error);
    });
    let open = true;
    let released = false;
    const release = (error?: Error) => {
      if (released) return;
      released = true;
      connection.release(error);
    };
    const timer = setTimeout(() => {
      open = false;
      release(new Error('transaction timed out'));
    }, timeoutMs);
    try {
      await connection.query('BEGIN');
      const result = await work(clientOn(connection, () => open, options));
      clearTimeout(timer);
      if (!open) throw expiredError(timeoutMs);
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      if (open) {
        // A connection that cannot even roll back is closed rather than reused.
        await connection.query('ROLLBACK').catch((rollbackError: Error) => release(rollbackError));
      }
      throw open ? asPrismaError(error) : expiredError(timeoutMs);
    } finally {
      clearTimeout(timer);
      release();
    }
  };
}
