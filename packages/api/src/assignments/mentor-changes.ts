/**
 * The one place where assignments are written. It decides nothing: the write procedures
 * (assignment-writes.ts) decide what changes under the rules of
 * @worklets/db/assignment-rules and hand the changes to `applyMentorChanges`, which,
 * inside the caller's transaction:
 *   - has locked the worklet row (`lockWorkletForChange`), so changes to one worklet's
 *     mentors run one after another and every check sees the latest committed state;
 *   - writes the changes in an order the one-active-Primary index accepts (demotions
 *     and deactivations before promotions);
 *   - bumps the worklet's version once and sets the legacy `worklets.mentor_id` to the
 *     active Primary (or null), with the one SQL of @worklets/db (`workletsChangedSql`);
 *   - appends one `assignment_events` row per change, with the signed-in actor, the
 *     worklet's new version and the id of the save's batch (batches/batch-recorder.ts);
 *   - queues the mentors' notifications in the outbox (mail/notifications.ts).
 */
import { type MentorRole, type Prisma, type SqlClient, workletsChangedSql } from '@worklets/db';
import type { BatchRecorder } from '../batches/batch-recorder.ts';
import type { SessionUser } from '../context.ts';
import { notFound } from '../errors.ts';
import { queueChangeNotifications } from '../mail/notifications.ts';

export type Tx = Prisma.TransactionClient;
export type Actor = Pick<SessionUser, 'id' | 'name'>;

export type MentorRef = { id: number; name: string; email: string };

/** An assignment row of the locked worklet, active or not. */
export type CurrentAssignment = {
  id: number;
  mentorId: number;
  roleType: MentorRole;
  isActive: boolean;
  mentor: MentorRef;
};

export type LockedWorklet = {
  id: number;
  title: string;
  version: number;
  status: 'draft' | 'active' | 'completed' | 'archived';
  assignments: CurrentAssignment[];
};

export type MentorChange =
  | { kind: 'assign'; mentor: MentorRef; role: MentorRole; capacityOverride?: boolean }
  | { kind: 'reactivate'; assignment: CurrentAssignment; role: MentorRole; capacityOverride?: boolean }
  | { kind: 'changeRole'; assignment: CurrentAssignment; role: MentorRole }
  | { kind: 'deactivate'; assignment: CurrentAssignment };

/** Locks the worklet row for the rest of the transaction and reads its assignments. */
export async function lockWorkletForChange(tx: SqlClient, workletId: number): Promise<LockedWorklet> {
  const rows = await tx.$queryRaw<{ id: number; title: string; version: number; status: LockedWorklet['status'] }[]>`
    SELECT id, title, version, status::text AS status FROM worklets WHERE id = ${workletId} FOR UPDATE`;
  const worklet = rows[0];
  if (!worklet) throw notFound('Worklet');
  // A statement of its own, after the lock: its snapshot sees every write that held it before.
  const assignments = await tx.$queryRaw<(Omit<CurrentAssignment, 'mentor'> & { name: string; email: string })[]>`
    SELECT a.id, a.mentor_id AS "mentorId", a.role_type::text AS "roleType", a.is_active AS "isActive", u.name, u.email
    FROM mentor_worklet_assignments a JOIN users u ON u.id = a.mentor_id
    WHERE a.worklet_id = ${workletId} ORDER BY a.id`;
  return {
    ...worklet,
    assignments: assignments.map(({ name, email, ...a }) => ({ ...a, mentor: { id: a.mentorId, name, email } })),
  };
}

const becomesPrimary = (c: MentorChange) => c.kind !== 'deactivate' && c.role === 'Primary';

type EventRow = Prisma.AssignmentEventCreateManyInput;
type Planned = { worklet: LockedWorklet; change: MentorChange };

/** One UPDATE for many existing assignments: deactivations, role changes, reactivations. */
async function updateAssignments(tx: SqlClient, rows: Planned[], actor: Actor): Promise<void> {
  if (rows.length === 0) return;
  const changes = rows.map((r) => r.change as Exclude<MentorChange, { kind: 'assign' }>);
  await tx.$executeRaw`
    UPDATE mentor_worklet_assignments a SET
      is_active = u.active,
      role_type = u.role::role_type,
      -- The same row comes back: a new assigned_at and assigner, the history keeps the rest.
      assigned_at = CASE WHEN u.back THEN now() ELSE a.assigned_at END,
      assigned_by = CASE WHEN u.back THEN ${actor.id}::int ELSE a.assigned_by END
    FROM unnest(${changes.map((c) => c.assignment.id)}::int[], ${changes.map((c) => c.kind !== 'deactivate')}::boolean[],
                ${changes.map((c) => (c.kind === 'deactivate' ? c.assignment.roleType : c.role))}::text[],
                ${changes.map((c) => c.kind === 'reactivate')}::boolean[]) AS u(id, active, role, back)
    WHERE a.id = u.id`;
}

/** One INSERT for many new assignments; their ids by "worklet mentor". */
async function insertAssignments(tx: SqlClient, rows: Planned[], actor: Actor): Promise<Map<string, number>> {
  if (rows.length === 0) return new Map();
  const assigns = rows.map((r) => ({
    workletId: r.worklet.id,
    ...(r.change as Extract<MentorChange, { kind: 'assign' }>),
  }));
  const created = await tx.$queryRaw<{ id: number; worklet_id: number; mentor_id: number }[]>`
    INSERT INTO mentor_worklet_assignments (worklet_id, mentor_id, role_type, is_active, assigned_by)
    SELECT w, m, r::role_type, true, ${actor.id}::int
    FROM unnest(${assigns.map((a) => a.workletId)}::int[], ${assigns.map((a) => a.mentor.id)}::int[],
                ${assigns.map((a) => a.role)}::text[]) AS x(w, m, r)
    RETURNING id, worklet_id, mentor_id`;
  return new Map(created.map((c) => [`${c.worklet_id} ${c.mentor_id}`, c.id]));
}

/** The history row of one change (its version and batch are added by the caller). */
function eventOf({ worklet, change }: Planned, created: Map<string, number>, actor: Actor) {
  const mentor = change.kind === 'assign' ? change.mentor : change.assignment.mentor;
  const assignmentId =
    change.kind === 'assign' ? created.get(`${worklet.id} ${change.mentor.id}`)! : change.assignment.id;
  const [type, oldRole, newRole]: [EventRow['type'], MentorRole | null, MentorRole | null] =
    change.kind === 'assign'
      ? ['assigned', null, change.role]
      : change.kind === 'reactivate'
        ? ['reactivated', null, change.role]
        : change.kind === 'changeRole'
          ? ['role_changed', change.assignment.roleType, change.role]
          : ['deactivated', change.assignment.roleType, null];
  return {
    assignmentId,
    workletId: worklet.id,
    mentorId: mentor.id,
    mentorName: mentor.name,
    mentorEmail: mentor.email,
    actorId: actor.id,
    actorName: actor.name,
    type,
    oldRole,
    newRole,
    // Rule 5: assigned over capacity with the coordinator's explicit confirmation.
    capacityOverride:
      change.kind === 'assign' || change.kind === 'reactivate' ? (change.capacityOverride ?? false) : false,
  };
}

/** One INSERT for all the events of a write, in the order given (ids ascending). */
async function insertEvents(
  tx: SqlClient,
  events: (ReturnType<typeof eventOf> & { workletVersion: number })[],
  batchId: number,
) {
  const column = <K extends keyof (typeof events)[number]>(key: K) => events.map((e) => e[key]);
  await tx.$executeRaw`
    INSERT INTO assignment_events (assignment_id, worklet_id, mentor_id, mentor_name, mentor_email, actor_id, actor_name,
                                   type, old_role, new_role, worklet_version, batch_id, capacity_override)
    SELECT a, w, m, mn, me, ${events[0]?.actorId ?? null}::int, ${events[0]?.actorName ?? null}::text,
           t::assignment_event_type, o::role_type, n::role_type, v, ${batchId}::int, c
    FROM unnest(${column('assignmentId')}::int[], ${column('workletId')}::int[], ${column('mentorId')}::int[],
                ${column('mentorName')}::text[], ${column('mentorEmail')}::text[], ${column('type')}::text[],
                ${column('oldRole')}::text[], ${column('newRole')}::text[], ${column('workletVersion')}::int[],
                ${column('capacityOverride')}::boolean[])
         WITH ORDINALITY AS x(a, w, m, mn, me, t, o, n, v, c, i)
    ORDER BY i`;
}

/**
 * Writes the changes of many locked worklets in a constant number of statements, whatever
 * their number (an import's thousands of lines, a bulk change's hundreds of worklets):
 * vacating updates, inserts, filling updates (the database allows one active Primary at
 * every moment), one sync of the changed worklets, one INSERT of the events. Returns
 * every worklet's version afterwards.
 */
export async function applyMentorChangesMany(
  tx: SqlClient,
  items: { worklet: LockedWorklet; changes: MentorChange[] }[],
  actor: Actor,
  batch: BatchRecorder,
): Promise<Map<number, number>> {
  const versions = new Map(items.map(({ worklet }) => [worklet.id, worklet.version]));
  // Per worklet, vacate before filling; the events follow the same order.
  const planned: Planned[] = items.flatMap(({ worklet, changes }) =>
    [...changes.filter((c) => !becomesPrimary(c)), ...changes.filter(becomesPrimary)].map((change) => ({
      worklet,
      change,
    })),
  );
  if (planned.length === 0) return versions;
  const existing = planned.filter((p) => p.change.kind !== 'assign');
  await updateAssignments(
    tx,
    existing.filter((p) => !becomesPrimary(p.change)),
    actor,
  );
  const created = await insertAssignments(
    tx,
    planned.filter((p) => p.change.kind === 'assign'),
    actor,
  );
  await updateAssignments(
    tx,
    existing.filter((p) => becomesPrimary(p.change)),
    actor,
  );
  const changedIds = [...new Set(planned.map((p) => p.worklet.id))];
  const changed = await tx.$queryRawUnsafe<{ id: number; version: number }[]>(workletsChangedSql, changedIds);
  for (const row of changed) versions.set(row.id, row.version);
  const batchId = await batch.id(tx);
  await insertEvents(
    tx,
    planned.map((p) => ({ ...eventOf(p, created, actor), workletVersion: versions.get(p.worklet.id)! })),
    batchId,
  );
  // The mentors concerned hear of it once the save commits (the mail outbox, issue 10).
  await queueChangeNotifications(tx, planned, actor, batch);
  return versions;
}

/** Writes `changes` to the locked worklet; returns the worklet's version afterwards. */
export async function applyMentorChanges(
  tx: SqlClient,
  worklet: LockedWorklet,
  changes: MentorChange[],
  actor: Actor,
  batch: BatchRecorder,
): Promise<number> {
  const versions = await applyMentorChangesMany(tx, [{ worklet, changes }], actor, batch);
  return versions.get(worklet.id)!;
}
