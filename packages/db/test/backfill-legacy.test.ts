/**
 * The legacy backfill (packages/db/src/legacy/backfill-legacy.ts): worklets.mentor_id moves
 * into mentor_worklet_assignments, with history, and the legacy column ends up equal to the
 * active Primary. Idempotent.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type BackfillResult, backfillLegacyMentors } from '../src/legacy/backfill-legacy.ts';
import { withConnection } from '../src/sql.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing/test-database.ts';
import {
  databaseTestTimeouts,
  dumpTables,
  insertAssignedEvent,
  insertAssignment,
  insertUser,
  insertWorklet,
} from './support.ts';

vi.setConfig(databaseTestTimeouts);

let db: TestDatabase;

// The legacy world before the backfill, one worklet per case.
const ids = {} as Record<
  | 'admin'
  | 'm1'
  | 'm2'
  | 'm3'
  | 'm4'
  | 'm5'
  | 'fresh'
  | 'inactiveRow'
  | 'taken'
  | 'none'
  | 'consistent'
  | 'noLegacyButPrimary'
  | 'inactivePrimary',
  number
>;
let takenPrimary: number;
let before: Awaited<ReturnType<typeof dumpTables>>;
let first: BackfillResult;

beforeAll(async () => {
  db = await createTestDatabase();
  const q = db.pool;
  ids.admin = await insertUser(q, 'Ada Admin', 'admin');
  ids.m1 = await insertUser(q, 'Mia One');
  ids.m2 = await insertUser(q, 'Noah Two');
  ids.m3 = await insertUser(q, 'Omar Three');
  ids.m4 = await insertUser(q, 'Priya Four');
  ids.m5 = await insertUser(q, 'Rosa Five');
  // Legacy mentor and no assignment at all: gets an active Primary.
  ids.fresh = await insertWorklet(q, 'Fresh legacy', ids.m1);
  // Legacy mentor who already has a (deactivated) row: no new row; nobody is active Primary,
  // so the legacy column is cleared.
  ids.inactiveRow = await insertWorklet(q, 'Inactive row', ids.m2);
  await insertAssignedEvent(
    q,
    await insertAssignment(q, { mentorId: ids.m2, workletId: ids.inactiveRow, isActive: false, assignedBy: ids.admin }),
    ids.admin,
  );
  // Legacy mentor m3, but m4 is already the active Primary: m3 becomes Secondary, column -> m4.
  ids.taken = await insertWorklet(q, 'Primary taken', ids.m3);
  takenPrimary = await insertAssignment(q, { mentorId: ids.m4, workletId: ids.taken, assignedBy: ids.admin });
  await insertAssignedEvent(q, takenPrimary, ids.admin);
  // No legacy mentor, no assignments: untouched.
  ids.none = await insertWorklet(q, 'No mentor', null, 'draft');
  // Already consistent: untouched.
  ids.consistent = await insertWorklet(q, 'Consistent', ids.m5);
  await insertAssignedEvent(
    q,
    await insertAssignment(q, { mentorId: ids.m5, workletId: ids.consistent, assignedBy: ids.admin }),
    ids.admin,
  );
  // No legacy mentor but an active Primary: the column is set to it (the documented final sync).
  ids.noLegacyButPrimary = await insertWorklet(q, 'Column missing', null);
  await insertAssignment(q, { mentorId: ids.m1, workletId: ids.noLegacyButPrimary, assignedBy: ids.admin });
  // Legacy mentor m2, and m3 was Primary but is inactive: the Primary slot is free, m2 takes it.
  ids.inactivePrimary = await insertWorklet(q, 'Primary left', ids.m2);
  await insertAssignment(q, {
    mentorId: ids.m3,
    workletId: ids.inactivePrimary,
    isActive: false,
    assignedBy: ids.admin,
  });

  before = await dumpTables(q);
  first = await withConnection(db.pool, (client) => backfillLegacyMentors(client));
});

afterAll(async () => {
  await db?.close();
});

async function assignmentsOf(workletId: number) {
  const result = await db.pool.query(
    `SELECT mentor_id, role_type, is_active, assigned_by FROM mentor_worklet_assignments WHERE worklet_id = $1 ORDER BY id`,
    [workletId],
  );
  return result.rows;
}

async function legacyMentor(workletId: number): Promise<number | null> {
  const result = await db.pool.query<{ mentor_id: number | null }>('SELECT mentor_id FROM worklets WHERE id = $1', [
    workletId,
  ]);
  return result.rows[0]!.mentor_id;
}

async function newEvents() {
  const known = new Set(before.assignment_events);
  const result = await db.pool.query<{ row: string; worklet_id: number }>(
    `SELECT t::text AS row, worklet_id FROM assignment_events t ORDER BY id`,
  );
  return result.rows.filter((r) => !known.has(r.row));
}

describe('backfillLegacyMentors', () => {
  it('returns how many assignments it created and how many legacy columns it corrected', () => {
    // Created: fresh (Primary), taken (Secondary), inactivePrimary (Primary).
    // Corrected: inactiveRow (m2 -> NULL), taken (m3 -> m4), noLegacyButPrimary (NULL -> m1).
    expect(first).toEqual({
      assignmentsCreated: 3,
      legacyColumnsCorrected: 3,
      historicalAssignments: 0,
      reported: [],
    });
  });

  it('gives a legacy mentor without an assignment an active Primary and one "assigned" event by the system', async () => {
    expect(await assignmentsOf(ids.fresh)).toEqual([
      { mentor_id: ids.m1, role_type: 'Primary', is_active: true, assigned_by: null },
    ]);
    expect(await legacyMentor(ids.fresh)).toBe(ids.m1);
    const events = await db.pool.query(
      `SELECT e.assignment_id = a.id AS links_assignment, e.mentor_id, e.mentor_name, e.mentor_email, e.actor_id, e.actor_name,
              e.type, e.old_role, e.new_role, e.occurred_at = a.assigned_at AS at_assignment_time
       FROM assignment_events e LEFT JOIN mentor_worklet_assignments a ON a.id = e.assignment_id
       WHERE e.worklet_id = $1`,
      [ids.fresh],
    );
    expect(events.rows).toEqual([
      {
        links_assignment: true,
        mentor_id: ids.m1,
        mentor_name: 'Mia One',
        mentor_email: 'mia.one@example.test',
        actor_id: null,
        actor_name: null,
        type: 'assigned',
        old_role: null,
        new_role: 'Primary',
        at_assignment_time: true,
      },
    ]);
  });

  it('creates nothing for a mentor who already has a row for the worklet, even an inactive one', async () => {
    expect(await assignmentsOf(ids.inactiveRow)).toEqual([
      { mentor_id: ids.m2, role_type: 'Primary', is_active: false, assigned_by: ids.admin },
    ]);
    // Nobody is the active Primary, so the legacy column no longer names anyone.
    expect(await legacyMentor(ids.inactiveRow)).toBeNull();
    expect(await assignmentsOf(ids.consistent)).toEqual([
      { mentor_id: ids.m5, role_type: 'Primary', is_active: true, assigned_by: ids.admin },
    ]);
    expect(await legacyMentor(ids.consistent)).toBe(ids.m5);
  });

  it('adds the legacy mentor as Secondary when another mentor is the active Primary, and points mentor_id at that Primary', async () => {
    expect(await assignmentsOf(ids.taken)).toEqual([
      { mentor_id: ids.m4, role_type: 'Primary', is_active: true, assigned_by: ids.admin },
      { mentor_id: ids.m3, role_type: 'Secondary', is_active: true, assigned_by: null },
    ]);
    expect(await legacyMentor(ids.taken)).toBe(ids.m4);
    const events = await db.pool.query(
      `SELECT mentor_id, mentor_name, actor_id, type, new_role FROM assignment_events WHERE worklet_id = $1 AND mentor_id = $2`,
      [ids.taken, ids.m3],
    );
    expect(events.rows).toEqual([
      { mentor_id: ids.m3, mentor_name: 'Omar Three', actor_id: null, type: 'assigned', new_role: 'Secondary' },
    ]);
  });

  it('makes the legacy mentor Primary when the only Primary is inactive', async () => {
    expect(await assignmentsOf(ids.inactivePrimary)).toEqual([
      { mentor_id: ids.m3, role_type: 'Primary', is_active: false, assigned_by: ids.admin },
      { mentor_id: ids.m2, role_type: 'Primary', is_active: true, assigned_by: null },
    ]);
    expect(await legacyMentor(ids.inactivePrimary)).toBe(ids.m2);
  });

  it('leaves worklets without a legacy mentor and without assignments exactly as they were', async () => {
    const row = await db.pool.query<{ row: string }>('SELECT t::text AS row FROM worklets t WHERE id = $1', [ids.none]);
    expect(before.worklets).toContain(row.rows[0]!.row);
    expect(await assignmentsOf(ids.none)).toEqual([]);
    // The only other change of that kind: a worklet whose active Primary was missing from the column.
    expect(await legacyMentor(ids.noLegacyButPrimary)).toBe(ids.m1);
    expect(await assignmentsOf(ids.noLegacyButPrimary)).toHaveLength(1);
  });

  it('writes exactly one event per assignment it created, and changes no user', async () => {
    const events = await newEvents();
    expect(events.map((e) => e.worklet_id).sort((a, b) => a - b)).toEqual(
      [ids.fresh, ids.taken, ids.inactivePrimary].sort((a, b) => a - b),
    );
    const after = await dumpTables(db.pool);
    expect(after.users).toEqual(before.users);
    expect(after.mentor_worklet_assignments.length - before.mentor_worklet_assignments.length).toBe(3);
    // Existing assignments and events are not modified.
    expect(after.mentor_worklet_assignments).toEqual(expect.arrayContaining(before.mentor_worklet_assignments));
    expect(after.assignment_events).toEqual(expect.arrayContaining(before.assignment_events));
  });

  it('is idempotent: a second run creates 0, corrects 0 and leaves every table byte-for-byte the same', async () => {
    const afterFirst = await dumpTables(db.pool);
    const second = await withConnection(db.pool, (client) => backfillLegacyMentors(client));
    expect(second).toEqual({
      assignmentsCreated: 0,
      legacyColumnsCorrected: 0,
      historicalAssignments: 0,
      reported: [],
    });
    expect(await dumpTables(db.pool)).toEqual(afterFirst);
  });
});
