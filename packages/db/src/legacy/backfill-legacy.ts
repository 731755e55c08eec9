/**
 * Phase 2 of the original design: move the legacy single mentor (`worklets.mentor_id`)
 * into the junction table.
 *
 * Every worklet whose `mentor_id` is set and that has no assignment row for that mentor
 * gets an active assignment for them, recorded in the history as `assigned` with no actor
 * (the system). The assignment is Primary when the worklet has no active Primary yet, and
 * Secondary otherwise (the database allows one active Primary). Finally every worklet's
 * `mentor_id` is set to its active Primary, so the legacy column is true again.
 * Idempotent: a second run finds nothing to insert and nothing to correct.
 */
import type { Queryable } from '../sql.ts';

export type BackfillResult = { assignmentsCreated: number; legacyColumnsCorrected: number };

const insertMissingAssignments = `
WITH candidates AS (
  SELECT w.id AS worklet_id, w.mentor_id,
         NOT EXISTS (SELECT 1 FROM mentor_worklet_assignments p
                     WHERE p.worklet_id = w.id AND p.role_type = 'Primary' AND p.is_active) AS primary_free
  FROM worklets w
  WHERE w.mentor_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM mentor_worklet_assignments a
                    WHERE a.worklet_id = w.id AND a.mentor_id = w.mentor_id)
), inserted AS (
  INSERT INTO mentor_worklet_assignments (mentor_id, worklet_id, role_type, is_active, assigned_by)
  SELECT mentor_id, worklet_id,
         (CASE WHEN primary_free THEN 'Primary' ELSE 'Secondary' END)::role_type, true, NULL
  FROM candidates
  ON CONFLICT DO NOTHING
  RETURNING id, worklet_id, mentor_id, role_type, assigned_at
), events AS (
  INSERT INTO assignment_events (assignment_id, worklet_id, mentor_id, mentor_name, mentor_email, type, new_role, occurred_at)
  SELECT i.id, i.worklet_id, i.mentor_id, u.name, u.email, 'assigned', i.role_type, i.assigned_at
  FROM inserted i JOIN users u ON u.id = i.mentor_id
)
SELECT count(*)::int AS n FROM inserted`;

/** Sets `worklets.mentor_id` to the active Primary (or null) wherever it differs. */
export const syncAllLegacyMentorsSql = `
UPDATE worklets w SET mentor_id = p.mentor_id
FROM worklets w2
LEFT JOIN mentor_worklet_assignments p
  ON p.worklet_id = w2.id AND p.role_type = 'Primary' AND p.is_active
WHERE w.id = w2.id AND w.mentor_id IS DISTINCT FROM p.mentor_id`;

export async function backfillLegacyMentors(db: Queryable): Promise<BackfillResult> {
  await db.query('BEGIN');
  try {
    const inserted = await db.query<{ n: number }>(insertMissingAssignments);
    const corrected = await db.query(syncAllLegacyMentorsSql);
    await db.query('COMMIT');
    return { assignmentsCreated: inserted.rows[0]?.n ?? 0, legacyColumnsCorrected: corrected.rowCount ?? 0 };
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
}
