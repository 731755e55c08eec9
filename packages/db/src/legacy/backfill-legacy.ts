/**
 * Phase 2 of the original design: move the legacy single mentor (`worklets.mentor_id`)
 * into the junction table, under the same rules as every other assignment write
 * (../assignments/assignment-rules.ts).
 *
 * For every worklet whose `mentor_id` is set and that has no assignment row for that user:
 *   - an active mentor on an open worklet with room gets an active assignment, Primary when
 *     the worklet has no active Primary yet and Secondary otherwise, recorded as `assigned`
 *     with no actor (the system);
 *   - a deactivated mentor, or any mentor of an archived worklet (or of a full one), gets an
 *     *inactive* historical Primary row with an `assigned` and a `deactivated` event by the
 *     system, both at the backfill: the history keeps who
 *     mentored the worklet in the old system, and nobody becomes an active mentor against
 *     the rules;
 *   - an id that is not a mentor (a student or an admin) or no user at all gets no row:
 *     assignments are for mentors only. It is reported, and the legacy column is cleared.
 * Every case that is not a plain active assignment is listed in `reported`.
 * Finally every worklet's `mentor_id` is set to its active Primary (the one sync SQL,
 * which also bumps the version of every worklet it touches).
 * Idempotent: a second run finds nothing to insert and nothing to correct.
 * `dryRun` computes and returns the same plan and writes nothing.
 */
import {
  defaultRole,
  mentorCountViolation,
  mentorViolation,
  type RuleViolation,
  workletViolation,
} from '../assignments/assignment-rules.ts';
import type { Queryable } from '../sql.ts';
import { workletsChangedSql } from './worklet-changed.ts';

type BackfillPlanEntry = {
  workletId: number;
  workletTitle: string;
  mentorId: number;
  mentorName: string | null;
  /** What the legacy id becomes. */
  outcome: 'active' | 'historical' | 'dropped';
  role: 'Primary' | 'Secondary';
  /** Why it is not an active assignment (null for `active`). */
  reason: RuleViolation['rule'] | null;
  message: string | null;
};

export type BackfillResult = {
  assignmentsCreated: number;
  legacyColumnsCorrected: number;
  /** Inactive historical rows created for legacy ids the rules keep from being active. */
  historicalAssignments: number;
  /** Every legacy id that did not become an active assignment, with the reason. */
  reported: BackfillPlanEntry[];
};

type Candidate = {
  worklet_id: number;
  title: string;
  status: string;
  mentor_id: number;
  name: string | null;
  email: string | null;
  role: string | null;
  is_active: boolean | null;
  active_count: number;
  has_primary: boolean;
};

const candidatesSql = `
SELECT w.id AS worklet_id, w.title, w.status::text AS status, w.mentor_id,
       u.name, u.email, u.role::text AS role, u.is_active,
       (SELECT count(*)::int FROM mentor_worklet_assignments a WHERE a.worklet_id = w.id AND a.is_active) AS active_count,
       EXISTS (SELECT 1 FROM mentor_worklet_assignments p
               WHERE p.worklet_id = w.id AND p.role_type = 'Primary' AND p.is_active) AS has_primary
FROM worklets w
LEFT JOIN users u ON u.id = w.mentor_id
WHERE w.mentor_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM mentor_worklet_assignments a WHERE a.worklet_id = w.id AND a.mentor_id = w.mentor_id)
ORDER BY w.id`;

/** Worklets whose legacy column differs from their active Primary. */
const outOfSyncSql = `
SELECT w.id FROM worklets w
WHERE w.mentor_id IS DISTINCT FROM (SELECT p.mentor_id FROM mentor_worklet_assignments p
                                    WHERE p.worklet_id = w.id AND p.role_type = 'Primary' AND p.is_active)
ORDER BY w.id`;

function planBackfill(candidates: Candidate[]): BackfillPlanEntry[] {
  return candidates.map((c) => {
    const worklet = { title: c.title, status: c.status };
    const mentor =
      c.name === null ? undefined : { id: c.mentor_id, name: c.name, role: c.role!, isActive: c.is_active! };
    const entry = { workletId: c.worklet_id, workletTitle: c.title, mentorId: c.mentor_id, mentorName: c.name };
    const who = mentorViolation(mentor, c.mentor_id);
    if (who && who.rule !== 'mentor_deactivated')
      return { ...entry, outcome: 'dropped', role: 'Primary', reason: who.rule, message: who.message };
    const blocked = who ?? workletViolation(worklet) ?? mentorCountViolation(worklet, c.active_count + 1);
    if (blocked)
      return { ...entry, outcome: 'historical', role: 'Primary', reason: blocked.rule, message: blocked.message };
    return { ...entry, outcome: 'active', role: defaultRole(c.has_primary), reason: null, message: null };
  });
}

export async function backfillLegacyMentors(
  db: Queryable,
  options: { dryRun?: boolean } = {},
): Promise<BackfillResult> {
  await db.query('BEGIN');
  try {
    // Worklets are locked in id order like every other writer: assignments cannot change under the plan.
    await db.query('SELECT id FROM worklets WHERE mentor_id IS NOT NULL ORDER BY id FOR UPDATE');
    const plan = planBackfill((await db.query<Candidate>(candidatesSql)).rows);
    const rows = plan.filter((p) => p.outcome !== 'dropped');
    const inserted = await db.query<{ id: number; worklet_id: number; mentor_id: number; role_type: string }>(
      `INSERT INTO mentor_worklet_assignments (mentor_id, worklet_id, role_type, is_active, assigned_by)
       SELECT m, w, r, a, NULL FROM unnest($1::int[], $2::int[], $3::role_type[], $4::boolean[]) AS t(m, w, r, a)
       RETURNING id, worklet_id, mentor_id, role_type::text AS role_type`,
      [
        rows.map((p) => p.mentorId),
        rows.map((p) => p.workletId),
        rows.map((p) => p.role),
        rows.map((p) => p.outcome === 'active'),
      ],
    );
    const outOfSync = (await db.query<{ id: number }>(outOfSyncSql)).rows.map((r) => r.id);
    const changed = [...new Set([...inserted.rows.map((r) => r.worklet_id), ...outOfSync])];
    const versions = await db.query<{ id: number; version: number }>(workletsChangedSql, [changed]);
    const versionOf = new Map(versions.rows.map((r) => [r.id, r.version]));
    const active = new Set(rows.filter((p) => p.outcome === 'active').map((p) => `${p.workletId}:${p.mentorId}`));
    const isActive = (r: { worklet_id: number; mentor_id: number }) => active.has(`${r.worklet_id}:${r.mentor_id}`);
    // Every new row gets its `assigned` event (by the system); a historical row also its
    // `deactivated` event, so the history says it ended when the backfill ran.
    const events = inserted.rows.flatMap((r) =>
      isActive(r)
        ? [{ r, type: 'assigned' }]
        : [
            { r, type: 'assigned' },
            { r, type: 'deactivated' },
          ],
    );
    await db.query(
      `INSERT INTO assignment_events (assignment_id, worklet_id, mentor_id, mentor_name, mentor_email, type, old_role, new_role, worklet_version, occurred_at)
       SELECT i.id, i.worklet_id, i.mentor_id, u.name, u.email, i.type::assignment_event_type,
              CASE WHEN i.type = 'deactivated' THEN i.role::role_type END,
              CASE WHEN i.type = 'assigned' THEN i.role::role_type END, i.version, a.assigned_at
       FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::text[], $6::int[]) WITH ORDINALITY
            AS i(id, worklet_id, mentor_id, type, role, version, n)
       JOIN users u ON u.id = i.mentor_id
       JOIN mentor_worklet_assignments a ON a.id = i.id
       ORDER BY i.n`,
      [
        events.map((e) => e.r.id),
        events.map((e) => e.r.worklet_id),
        events.map((e) => e.r.mentor_id),
        events.map((e) => e.type),
        events.map((e) => e.r.role_type),
        events.map((e) => versionOf.get(e.r.worklet_id)!),
      ],
    );
    // A dry run does all of it inside the transaction, so its figures are exact, and rolls back.
    await db.query(options.dryRun ? 'ROLLBACK' : 'COMMIT');
    return {
      assignmentsCreated: inserted.rows.filter(isActive).length,
      legacyColumnsCorrected: outOfSync.length,
      historicalAssignments: inserted.rows.filter((r) => !isActive(r)).length,
      reported: plan.filter((p) => p.outcome !== 'active'),
    };
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
}
