import type pg from 'pg';

/** A single `pg` connection: transactions in the data-layer scripts need one session. */
export type Queryable = Pick<pg.PoolClient, 'query'>;

/** Runs `work` on one pooled connection and releases it. */
export async function withConnection<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await work(client);
  } finally {
    client.release();
  }
}
