/**
 * The legacy invariant: for every worklet, worklets.mentor_id is the mentor of its active
 * Primary assignment, or NULL when it has none. It must hold for the demo program as
 * loaded, and after the legacy backfill, including after legacy data that broke it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { backfillLegacyMentors } from '../src/legacy/backfill-legacy.ts';
import { generateDemoProgram } from '../src/seed/demo.ts';
import { loadProgram } from '../src/seed/load.ts';
import { withConnection } from '../src/sql.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing/test-database.ts';
import { databaseTestTimeouts } from './support.ts';

vi.setConfig(databaseTestTimeouts);

/** Every worklet that breaks the invariant, with what its column says and what it should say. */
const invariantViolations = `
SELECT w.id, w.mentor_id, p.mentor_id AS active_primary_mentor_id
FROM worklets w
LEFT JOIN mentor_worklet_assignments p ON p.worklet_id = w.id AND p.role_type = 'Primary' AND p.is_active
WHERE w.mentor_id IS DISTINCT FROM p.mentor_id
ORDER BY w.id`;

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await withConnection(db.pool, (client) => loadProgram(client, generateDemoProgram()));
});

afterAll(async () => {
  await db?.close();
});

describe('legacy invariant', () => {
  it('the check reports a worklet whose mentor_id is not its active Primary (and one that lost its Primary)', async () => {
    await withConnection(db.pool, async (client) => {
      await client.query('BEGIN');
      try {
        const target = await client.query<{ worklet_id: number; mentor_id: number }>(
          `SELECT worklet_id, mentor_id FROM mentor_worklet_assignments WHERE role_type = 'Primary' AND is_active ORDER BY worklet_id LIMIT 2`,
        );
        const [a, b] = target.rows;
        const other = await client.query<{ id: number }>(
          `SELECT id FROM users WHERE role = 'mentor' AND id <> $1 ORDER BY id LIMIT 1`,
          [a!.mentor_id],
        );
        await client.query('UPDATE worklets SET mentor_id = $2 WHERE id = $1', [a!.worklet_id, other.rows[0]!.id]);
        await client.query(
          `UPDATE mentor_worklet_assignments SET is_active = false WHERE worklet_id = $1 AND role_type = 'Primary'`,
          [b!.worklet_id],
        );
        const violations = await client.query(invariantViolations);
        expect(violations.rows).toEqual([
          { id: a!.worklet_id, mentor_id: other.rows[0]!.id, active_primary_mentor_id: a!.mentor_id },
          { id: b!.worklet_id, mentor_id: b!.mentor_id, active_primary_mentor_id: null },
        ]);
      } finally {
        await client.query('ROLLBACK');
      }
    });
  });

  it('holds for the demo program as loaded', async () => {
    expect((await db.pool.query(invariantViolations)).rows).toEqual([]);
    // Not vacuous: most worklets have a legacy mentor, and some have none.
    const counts = await db.pool.query<{ with_mentor: number; without: number }>(
      'SELECT count(mentor_id)::int AS with_mentor, count(*) FILTER (WHERE mentor_id IS NULL)::int AS without FROM worklets',
    );
    expect(counts.rows[0]!.with_mentor).toBeGreaterThan(40);
    expect(counts.rows[0]!.without).toBeGreaterThan(0);
  });

  it('holds after the backfill, which has nothing to do on the demo program', async () => {
    const result = await withConnection(db.pool, (client) => backfillLegacyMentors(client));
    expect(result).toEqual({
      assignmentsCreated: 0,
      legacyColumnsCorrected: 0,
      historicalAssignments: 0,
      reported: [],
    });
    expect((await db.pool.query(invariantViolations)).rows).toEqual([]);
  });

  it('holds again after the backfill repairs legacy columns that broke it, and no legacy mentor is lost', async () => {
    // Legacy data: every third worklet names some mentor (often not one of its own),
    // every fifth names nobody.
    await db.pool.query(`
      UPDATE worklets w SET mentor_id = m.id
      FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM users WHERE role = 'mentor') m
      WHERE w.id % 3 = 0 AND m.n = (w.id * 7) % 40`);
    await db.pool.query('UPDATE worklets SET mentor_id = NULL WHERE id % 5 = 1');
    const broken = await db.pool.query(invariantViolations);
    expect(broken.rows.length).toBeGreaterThan(10);
    const legacyPairs = await db.pool.query<{ id: number; mentor_id: number }>(
      'SELECT id, mentor_id FROM worklets WHERE mentor_id IS NOT NULL',
    );

    const result = await withConnection(db.pool, (client) => backfillLegacyMentors(client));

    expect(result.assignmentsCreated).toBeGreaterThan(0);
    expect(result.legacyColumnsCorrected).toBeGreaterThan(0);
    expect((await db.pool.query(invariantViolations)).rows).toEqual([]);
    // Every legacy (worklet, mentor) pair is now an assignment row.
    const missing = await db.pool.query(
      `SELECT p.worklet_id, p.mentor_id FROM unnest($1::int[], $2::int[]) AS p(worklet_id, mentor_id)
       WHERE NOT EXISTS (SELECT 1 FROM mentor_worklet_assignments a WHERE a.worklet_id = p.worklet_id AND a.mentor_id = p.mentor_id)`,
      [legacyPairs.rows.map((r) => r.id), legacyPairs.rows.map((r) => r.mentor_id)],
    );
    expect(missing.rows).toEqual([]);
    // Every assignment, old or new, has exactly one 'assigned' event.
    const withoutHistory = await db.pool.query(
      `SELECT a.id FROM mentor_worklet_assignments a
       WHERE (SELECT count(*) FROM assignment_events e WHERE e.assignment_id = a.id AND e.type = 'assigned') <> 1`,
    );
    expect(withoutHistory.rows).toEqual([]);
    expect(await withConnection(db.pool, (client) => backfillLegacyMentors(client))).toEqual({
      assignmentsCreated: 0,
      legacyColumnsCorrected: 0,
      historicalAssignments: 0,
      reported: [],
    });
  });
});
