/**
 * `sqlTransaction` (src/sql-transaction.ts): the assignment writes' transactions on the pg
 * pool keep Prisma's guarantees: commit, rollback on any error, PostgreSQL's errors as
 * Prisma's (SQLSTATE in meta.code, once), a time limit, and inside an open transaction the
 * work joins it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Prisma } from '../src/generated/prisma/client.ts';
import { type SqlClient, sqlTransaction } from '../src/sql-transaction.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing/test-database.ts';
import { databaseTestTimeouts } from './support.ts';

vi.setConfig(databaseTestTimeouts);

let db: TestDatabase;
let statements: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ transactionTimeoutMs: 1_500, onQuery: (sql) => statements.push(sql) });
  await db.pool.query('CREATE TABLE probe (id int PRIMARY KEY, note text NOT NULL)');
});

afterAll(async () => {
  await db?.close();
});

const notes = async () =>
  (await db.pool.query<{ note: string }>('SELECT note FROM probe ORDER BY id')).rows.map((r) => r.note);

/** The rejection of `promise` (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe('sqlTransaction on the pool', () => {
  it('commits the work, its statements between one BEGIN and one COMMIT', async () => {
    statements = [];
    const result = await sqlTransaction(db.prisma, async (tx) => {
      await tx.$executeRaw`INSERT INTO probe (id, note) VALUES (${1}, ${'first'})`;
      const rows = await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM probe`;
      return rows[0]!.n;
    });
    const sent = statements.map((sql) => sql.trim().split(/\s/)[0]);
    expect(result).toBe(1);
    expect(await notes()).toEqual(['first']);
    expect(sent).toEqual(['BEGIN', 'INSERT', 'SELECT', 'COMMIT']);
  });

  it('rolls everything back when the work throws, and gives the error back as it was', async () => {
    const thrown = new Error('the rule said no');
    const error = await rejection(
      sqlTransaction(db.prisma, async (tx) => {
        await tx.$executeRaw`INSERT INTO probe (id, note) VALUES (${2}, ${'never'})`;
        throw thrown;
      }),
    );
    expect(error).toBe(thrown);
    expect(await notes()).toEqual(['first']);
  });

  it("reports PostgreSQL's errors as Prisma does for raw queries, wrapped once, and rolls back", async () => {
    const duplicate = await rejection(
      sqlTransaction(db.prisma, async (tx) => {
        await tx.$executeRaw`INSERT INTO probe (id, note) VALUES (${3}, ${'third'})`;
        await tx.$executeRaw`INSERT INTO probe (id, note) VALUES (${1}, ${'again'})`;
      }),
    );
    expect(duplicate).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((duplicate as Prisma.PrismaClientKnownRequestError).code).toBe('P2010');
    expect((duplicate as Prisma.PrismaClientKnownRequestError).meta?.code).toBe('23505');
    // A deadlock (what retryOnConflict retries): the SQLSTATE must survive the runner's own catch.
    const deadlock = await rejection(
      sqlTransaction(db.prisma, (tx) =>
        Promise.resolve(
          tx.$executeRaw`DO $$ BEGIN RAISE EXCEPTION 'deadlock detected' USING ERRCODE = '40P01'; END $$`,
        ),
      ),
    );
    expect((deadlock as Prisma.PrismaClientKnownRequestError).meta?.code).toBe('40P01');
    expect(await notes()).toEqual(['first']);
  });

  it('a transaction that runs past its time limit is rolled back with P2028 and the pool goes on', async () => {
    const error = await rejection(
      sqlTransaction(db.prisma, async (tx) => {
        await tx.$executeRaw`INSERT INTO probe (id, note) VALUES (${4}, ${'late'})`;
        await tx.$queryRaw`SELECT pg_sleep(3)`;
        await tx.$executeRaw`INSERT INTO probe (id, note) VALUES (${5}, ${'later'})`;
      }),
    );
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe('P2028');
    expect(await notes()).toEqual(['first']);
    await sqlTransaction(db.prisma, (tx) =>
      Promise.resolve(tx.$executeRaw`INSERT INTO probe VALUES (${6}, ${'after'})`),
    );
    expect(await notes()).toEqual(['first', 'after']);
  });

  it('statements are prepared by name on a server, not on PGlite (one session for every connection)', async () => {
    const prepared = () =>
      sqlTransaction(db.prisma, async (tx) => {
        await tx.$queryRaw`SELECT note FROM probe WHERE id = ${1}`;
        const rows = await tx.$queryRaw<{ name: string }[]>`SELECT name FROM pg_prepared_statements`;
        return rows.map((r) => r.name).filter((name) => name.startsWith('worklets_'));
      });
    // Many times over the pool's connections: a name is prepared once per connection.
    const runs = await Promise.all(Array.from({ length: 12 }, prepared));
    for (const names of runs) expect(names.length > 0).toBe(db.kind === 'postgres');
  });

  it('inside an open Prisma transaction the work joins it (and its rollback)', async () => {
    const error = await rejection(
      db.prisma.$transaction(async (tx) => {
        await sqlTransaction(tx as SqlClient, (inner) =>
          Promise.resolve(inner.$executeRaw`INSERT INTO probe VALUES (${7}, ${'joined'})`),
        );
        expect((await tx.$queryRaw<{ note: string }[]>`SELECT note FROM probe WHERE id = 7`)[0]?.note).toBe('joined');
        throw new Error('abandon');
      }),
    );
    expect((error as Error).message).toBe('abandon');
    expect(await notes()).toEqual(['first', 'after']);
  });
});
