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
import { insertAssignments } from './insert-assignments.ts';

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
    const result = await backfillInTransaction(db);
    // A dry run does all of it inside the transaction, so its figures are exact, and rolls back.
    await db.query(options.dryRun ? 'ROLLBACK' : 'COMMIT');
    return result;
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
}

/** The backfill inside the caller's transaction (the legacy import runs it after loading the legacy rows). */
export async function backfillInTransaction(db: Queryable): Promise<BackfillResult> {
  // Worklets are locked in id order like every other writer: assignments cannot change under the plan.
  await db.query('SELECT id FROM worklets WHERE mentor_id IS NOT NULL ORDER BY id FOR UPDATE');
  const plan = planBackfill((await db.query<Candidate>(candidatesSql)).rows);
  const rows = plan.filter((p) => p.outcome !== 'dropped');
  const inserted = await insertAssignments(
    db,
    rows.map((p) => ({
      mentorId: p.mentorId,
      workletId: p.workletId,
      role: p.role,
      active: p.outcome === 'active',
      assignedById: null,
      assignedAt: null,
    })),
    async () => (await db.query<{ id: number }>(outOfSyncSql)).rows.map((r) => r.id),
  );
  return {
    assignmentsCreated: inserted.active,
    legacyColumnsCorrected: inserted.othersChanged,
    historicalAssignments: inserted.inactive,
    reported: plan.filter((p) => p.outcome !== 'active'),
  };
}
