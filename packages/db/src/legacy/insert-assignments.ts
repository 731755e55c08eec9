/**
 * Inserts assignment rows decided under the rules, with their history, for the data-layer
 * writers (the legacy backfill and the legacy import): one INSERT for the rows, the one
 * sync SQL (`workletsChangedSql`: legacy column, mentor count, version) for the worklets
 * they touch, one INSERT for the events. A row that is not active gets an `assigned` and a
 * `deactivated` event, so its history says when it ended. Runs in the caller's transaction.
 */
import type { Queryable } from '../sql.ts';
import { workletsChangedSql } from './worklet-changed.ts';

export type NewAssignment = {
  mentorId: number;
  workletId: number;
  role: 'Primary' | 'Secondary' | 'Collaborator';
  active: boolean;
  /** Who assigned (the history's actor); null: the system. */
  assignedById: number | null;
  /** When (the history's time); null: now. */
  assignedAt: Date | null;
};

/**
 * Inserts `rows` and their events. `alsoChanged`, asked once the rows are in, names other
 * worklets to sync in the same statement (the backfill's legacy columns that still disagree).
 */
export async function insertAssignments(
  db: Queryable,
  rows: NewAssignment[],
  alsoChanged: () => Promise<number[]> = async () => [],
) {
  const inserted = await db.query<{ id: number; worklet_id: number; is_active: boolean }>(
    `INSERT INTO mentor_worklet_assignments (mentor_id, worklet_id, role_type, is_active, assigned_by, assigned_at)
     SELECT m, w, r, a, b, coalesce(t, now())
     FROM unnest($1::int[], $2::int[], $3::role_type[], $4::boolean[], $5::int[], $6::timestamptz[]) AS x(m, w, r, a, b, t)
     RETURNING id, worklet_id, is_active`,
    [
      rows.map((r) => r.mentorId),
      rows.map((r) => r.workletId),
      rows.map((r) => r.role),
      rows.map((r) => r.active),
      rows.map((r) => r.assignedById),
      rows.map((r) => r.assignedAt),
    ],
  );
  const others = await alsoChanged();
  const changed = [...new Set([...inserted.rows.map((r) => r.worklet_id), ...others])];
  const active = inserted.rows.filter((r) => r.is_active).length;
  const result = { active, inactive: inserted.rows.length - active, othersChanged: others.length };
  if (changed.length === 0) return result;
  const versions = await db.query<{ id: number; version: number }>(workletsChangedSql, [changed]);
  const versionOf = new Map(versions.rows.map((r) => [r.id, r.version]));
  const events = inserted.rows.flatMap((r) =>
    r.is_active
      ? [{ r, type: 'assigned' }]
      : [
          { r, type: 'assigned' },
          { r, type: 'deactivated' },
        ],
  );
  await db.query(
    `INSERT INTO assignment_events (assignment_id, worklet_id, mentor_id, mentor_name, mentor_email, actor_id, actor_name,
                                    type, old_role, new_role, worklet_version, occurred_at)
     SELECT a.id, a.worklet_id, a.mentor_id, u.name, u.email, a.assigned_by, by_user.name, e.type::assignment_event_type,
            CASE WHEN e.type = 'deactivated' THEN a.role_type END,
            CASE WHEN e.type = 'assigned' THEN a.role_type END, e.version, a.assigned_at
     FROM unnest($1::int[], $2::text[], $3::int[]) WITH ORDINALITY AS e(id, type, version, n)
     JOIN mentor_worklet_assignments a ON a.id = e.id
     JOIN users u ON u.id = a.mentor_id
     LEFT JOIN users by_user ON by_user.id = a.assigned_by
     ORDER BY e.n`,
    [events.map((e) => e.r.id), events.map((e) => e.type), events.map((e) => versionOf.get(e.r.worklet_id)!)],
  );
  return result;
}
