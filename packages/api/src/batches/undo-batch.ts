/**
 * Undo of a batch (one save): reverts exactly its events, all or nothing, as a new batch
 * of kind `undo` that the original then names (`undone_by`, unique: a batch is undone once).
 *
 * It is refused, with the list of what cannot be undone and why (CONFLICT with
 * `error.data.details.cannotUndo`), when any worklet it touched changed since (its version
 * is past the batch's last event on it), or when a rule forbids the old state now (a mentor
 * who was removed has since been deactivated as a user, or is no mentor any more). Nothing
 * is then written: a partial undo would leave a state nobody chose.
 *
 * Undoing an undo is allowed (a redo): an undo is a batch like any other.
 */
import { type MentorRole, Prisma, type PrismaClient } from '@worklets/db';
import {
  capacityViolation,
  type MentorFacts,
  mentorCountViolation,
  mentorViolation,
  openWorkletStatuses,
  workletViolation,
} from '@worklets/db/assignment-rules';
import type { WorkletStatus } from '@worklets/validators/worklets';
import { type Actor, applyMentorChangesMany, type MentorChange, type Tx } from '../assignments/mentor-changes.ts';
import { conflict, notFound, retryOnConflict, type UndoBlocker } from '../errors.ts';
import { eventSelect, toHistoryEntry } from '../history/history-entry.ts';
import { readMentorWorkloads } from '../mentors/mentor-workload.ts';
import { applyFieldChanges } from '../worklets/worklet-writes.ts';
import { BatchRecorder } from './batch-recorder.ts';
import { describeChange } from './describe-change.ts';
import { type LockedWorkletRow, lockWorklets } from './lock-worklets.ts';

const batchEventSelect = {
  id: true,
  type: true,
  workletId: true,
  assignmentId: true,
  mentorId: true,
  oldRole: true,
  workletVersion: true,
  previousValues: true,
} satisfies Prisma.AssignmentEventSelect;

type BatchEvent = Prisma.AssignmentEventGetPayload<{ select: typeof batchEventSelect }>;
type Fields = { title?: string; description?: string; status?: WorkletStatus };

/** Before the batch, per assignment: active with a role, or not active (null). */
function stateBefore(events: BatchEvent[]): Map<number, MentorRole | null> {
  const before = new Map<number, MentorRole | null>();
  for (const e of events) {
    // The first event of an assignment in the batch tells its state before the batch.
    if (e.assignmentId === null || before.has(e.assignmentId)) continue;
    if (e.type === 'assigned' || e.type === 'reactivated') before.set(e.assignmentId, null);
    else if (e.type === 'deactivated' || e.type === 'role_changed') before.set(e.assignmentId, e.oldRole);
  }
  return before;
}

/** The fields' values before the batch: the earliest recorded old value of each. */
function fieldsBefore(events: BatchEvent[]): Fields {
  const fields: Fields = {};
  for (const e of [...events].reverse()) {
    if (e.type === 'worklet_updated' && e.previousValues) Object.assign(fields, e.previousValues as Fields);
  }
  return fields;
}

type WorkletPlan = { worklet: LockedWorkletRow; fields: Fields; changes: MentorChange[]; blockers: string[] };

/** The changes that bring `worklet` back to its state before the batch, or why they cannot. */
function planRevert(worklet: LockedWorkletRow, events: BatchEvent[], mentors: Map<number, MentorFacts>): WorkletPlan {
  const fields = fieldsBefore(events);
  const changes: MentorChange[] = [];
  const blockers: string[] = [];
  for (const [assignmentId, role] of stateBefore(events)) {
    const assignment = worklet.assignments.find((a) => a.id === assignmentId);
    if (!assignment) continue;
    if (role === null) {
      if (assignment.isActive) changes.push({ kind: 'deactivate', assignment });
    } else if (!assignment.isActive) {
      const violation = mentorViolation(mentors.get(assignment.mentorId), assignment.mentorId);
      if (violation) blockers.push(`${violation.message} Reactivate or restore them first.`);
      changes.push({ kind: 'reactivate', assignment, role });
    } else if (assignment.roleType !== role) {
      changes.push({ kind: 'changeRole', assignment, role });
    }
  }
  const joining = changes.filter((c) => c.kind === 'reactivate').length;
  if (joining > 0) {
    const after = { title: worklet.title, status: fields.status ?? worklet.status };
    const leaving = changes.filter((c) => c.kind === 'deactivate').length;
    const active = worklet.assignments.filter((a) => a.isActive).length;
    const violation = workletViolation(after) ?? mentorCountViolation(after, active + joining - leaving);
    if (violation) blockers.push(violation.message);
  }
  return { worklet, fields, changes, blockers };
}

/** Rule 1 facts of the mentors an undo would bring back, locked like every assignment writer does. */
async function mentorFacts(tx: Tx, events: BatchEvent[]): Promise<Map<number, MentorFacts>> {
  const ids = [
    ...new Set(events.filter((e) => e.type === 'deactivated' && e.mentorId !== null).map((e) => e.mentorId!)),
  ];
  if (ids.length === 0) return new Map();
  const users = await tx.$queryRaw<MentorFacts[]>`
    SELECT id, name, role::text AS role, is_active AS "isActive"
    FROM users WHERE id = ANY(${ids}::int[]) ORDER BY id FOR SHARE`;
  return new Map(users.map((u) => [u.id, u]));
}

/** The worklets that changed since the batch, with what changed (one query for all of them). */
async function changedSince(
  tx: Tx,
  worklets: Map<number, LockedWorkletRow>,
  lastVersion: Map<number, number>,
): Promise<UndoBlocker[]> {
  const stale = [...lastVersion].filter(([id, version]) => (worklets.get(id)?.version ?? version) > version);
  if (stale.length === 0) return [];
  const rows = await tx.assignmentEvent.findMany({
    where: { OR: stale.map(([workletId, version]) => ({ workletId, workletVersion: { gt: version } })) },
    select: eventSelect,
    orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
    take: 200,
  });
  const entries = rows.map(toHistoryEntry);
  return stale.map(([workletId]) => {
    const title = worklets.get(workletId)!.title;
    const since = entries.filter((e) => e.workletId === workletId).map(describeChange);
    return { workletId, title, reason: `“${title}” changed since: ${since.join('; ')}.` };
  });
}

async function lockedBatch(tx: Tx, batchId: number) {
  // Locked: two undos of one batch run one after the other, and the second sees `undone_by`.
  const rows = await tx.$queryRaw<{ id: number; undoneById: number | null }[]>`
    SELECT id, undone_by AS "undoneById" FROM change_batches WHERE id = ${batchId} FOR UPDATE`;
  if (!rows[0]) throw notFound('Change');
  if (rows[0].undoneById !== null) throw conflict('This change was undone already.');
  const events = await tx.assignmentEvent.findMany({
    where: { batchId },
    select: batchEventSelect,
    orderBy: { id: 'asc' },
  });
  if (events.length === 0) throw conflict('Nothing of this change is left to undo (its worklets were deleted).');
  return events;
}

function byWorklet(events: BatchEvent[]): Map<number, BatchEvent[]> {
  const groups = new Map<number, BatchEvent[]>();
  for (const e of [...events].sort((a, b) => a.workletId - b.workletId || a.id - b.id)) {
    groups.set(e.workletId, [...(groups.get(e.workletId) ?? []), e]);
  }
  return groups;
}

/**
 * Rule 5 for an undo: mentors it brings back onto open worklets must stay within their
 * capacity (an undo cannot confirm an override; assign them from the worklet instead).
 */
async function capacityBlockers(tx: Tx, plans: WorkletPlan[]): Promise<UndoBlocker[]> {
  const joins = plans.flatMap(({ worklet, fields, changes }) =>
    (openWorkletStatuses as readonly string[]).includes(fields.status ?? worklet.status)
      ? changes.flatMap((c) => (c.kind === 'reactivate' ? [{ worklet, mentorId: c.assignment.mentorId }] : []))
      : [],
  );
  const ids = [...new Set(joins.map((j) => j.mentorId))];
  if (ids.length === 0) return [];
  const loads = await readMentorWorkloads(tx, 'few', Prisma.sql`m.id = ANY(${ids}::int[])`);
  return loads.flatMap((m) => {
    const mine = joins.filter((j) => j.mentorId === m.id);
    const violation = capacityViolation({ name: m.name, capacity: m.capacity, activeWorklets: m.total }, mine.length);
    if (!violation) return [];
    const { id: workletId, title } = mine[0]!.worklet;
    const reason = `${m.name} would have ${m.total + mine.length} open worklets, over their capacity of ${m.capacity}: assign them from the worklet to confirm.`;
    return [{ workletId, title, reason }];
  });
}

export function undoBatch(db: PrismaClient, batchId: number, actor: Actor) {
  return retryOnConflict(() =>
    db.$transaction(async (tx) => {
      const events = await lockedBatch(tx, batchId);
      const groups = byWorklet(events);
      const worklets = await lockWorklets(tx, [...groups.keys()]);
      const lastVersion = new Map([...groups].map(([id, es]) => [id, Math.max(...es.map((e) => e.workletVersion))]));
      const blockers = await changedSince(tx, worklets, lastVersion);
      const mentors = await mentorFacts(tx, events);
      const plans = [...groups].flatMap(([id, es]) => {
        const worklet = worklets.get(id);
        return worklet ? [planRevert(worklet, es, mentors)] : [];
      });
      for (const plan of plans) {
        const { id, title } = plan.worklet;
        if (blockers.some((b) => b.workletId === id)) continue;
        for (const reason of plan.blockers) blockers.push({ workletId: id, title, reason: `“${title}”: ${reason}` });
      }
      blockers.push(...(await capacityBlockers(tx, plans)));
      if (blockers.length > 0) {
        const message = `This change cannot be undone: ${blockers.map((b) => b.reason).join(' ')}`;
        throw conflict(message, { cannotUndo: blockers });
      }
      const undo = new BatchRecorder('undo', actor);
      // Fields first: an archived worklet is open again before its mentors come back.
      for (const { worklet, fields } of plans) await applyFieldChanges(tx, worklet, fields, actor, undo);
      await applyMentorChangesMany(
        tx,
        plans.map(({ worklet, changes }) => ({ worklet, changes })),
        actor,
        undo,
      );
      const undoId = await undo.id(tx);
      await tx.changeBatch.update({ where: { id: batchId }, data: { undoneById: undoId } });
      return { batchId: undoId, undoneBatchId: batchId, worklets: plans.length };
    }),
  );
}
