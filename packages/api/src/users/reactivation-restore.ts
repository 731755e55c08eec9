/**
 * Reactivating a user offers to restore the assignments their latest deactivation ended
 * (the `user_deactivation` batch naming them): `restorableAssignments` lists them with
 * what a restore would do now, and `restoreAssignments` restores the chosen ones inside the
 * reactivation's transaction, as one `user_reactivation` batch. The rules still hold: an
 * archived worklet or a full one is skipped, and a former Primary whose worklet has
 * another Primary now comes back as Secondary.
 */
import { type MentorRole, Prisma, type PrismaClient } from '@worklets/db';
import { mentorCountViolation, openWorkletStatuses, workletViolation } from '@worklets/db/assignment-rules';
import { type JoiningMentor, loadAssignableMentors } from '../assignments/assignment-writes.ts';
import { type Actor, applyMentorChanges, type LockedWorklet, type Tx } from '../assignments/mentor-changes.ts';
import { BatchRecorder } from '../batches/batch-recorder.ts';
import { lockWorklets } from '../batches/lock-worklets.ts';
import { badRequest, notFound } from '../errors.ts';
import { readMentorWorkloads } from '../mentors/mentor-workload.ts';

export type RestoreRow = {
  assignmentId: number;
  workletId: number;
  title: string;
  /** The role the deactivation ended. */
  formerRole: MentorRole;
  /** The role a restore gives (Secondary when someone else is Primary now); null: cannot be restored. */
  restoreAs: MentorRole | null;
  /** Why it cannot be restored, or why with another role. */
  note: string | null;
};

type Ended = { assignmentId: number; workletId: number; formerRole: MentorRole };

/** The assignments ended by the user's latest deactivation (none when it was undone). */
async function latestDeactivation(tx: Tx, userId: number) {
  // Served by the (subject_user_id, kind, id) index.
  const batch = await tx.changeBatch.findFirst({
    where: { subjectUserId: userId, kind: 'user_deactivation' },
    orderBy: { id: 'desc' },
    select: {
      id: true,
      createdAt: true,
      undoneById: true,
      events: { where: { type: 'deactivated' }, select: { assignmentId: true, workletId: true, oldRole: true } },
    },
  });
  if (!batch || batch.undoneById !== null) return null;
  const ended: Ended[] = batch.events.flatMap((e) =>
    e.assignmentId === null || e.oldRole === null
      ? []
      : [{ assignmentId: e.assignmentId, workletId: e.workletId, formerRole: e.oldRole }],
  );
  return { id: batch.id, createdAt: batch.createdAt, ended };
}

/** What restoring `ended` on `worklet` (as it is now) would do. */
function restoreDecision(worklet: LockedWorklet | undefined, ended: Ended): RestoreRow {
  const row = { assignmentId: ended.assignmentId, workletId: ended.workletId, formerRole: ended.formerRole };
  if (!worklet) return { ...row, title: '', restoreAs: null, note: 'The worklet no longer exists.' };
  const skip = (note: string): RestoreRow => ({ ...row, title: worklet.title, restoreAs: null, note });
  const assignment = worklet.assignments.find((a) => a.id === ended.assignmentId);
  if (!assignment) return skip('The assignment no longer exists.');
  if (assignment.isActive) return skip(`Already active on “${worklet.title}” again.`);
  const violation =
    workletViolation(worklet) ??
    mentorCountViolation(worklet, worklet.assignments.filter((a) => a.isActive).length + 1);
  if (violation) return skip(violation.message);
  const primary = worklet.assignments.find((a) => a.isActive && a.roleType === 'Primary');
  if (ended.formerRole === 'Primary' && primary)
    return {
      ...row,
      title: worklet.title,
      restoreAs: 'Secondary',
      note: `${primary.mentor.name} is Primary now: restored as Secondary.`,
    };
  return { ...row, title: worklet.title, restoreAs: ended.formerRole, note: null };
}

/**
 * Rule 5: restoring adds the user's worklets back to their load. The rows past their
 * capacity (on open worklets, in worklet order) are not restored; the coordinator can
 * assign those from the worklet, where going over capacity is confirmed explicitly.
 */
function withinCapacity(rows: RestoreRow[], statusOf: (workletId: number) => string | undefined, load: JoiningMentor) {
  let open = load.openWorklets;
  return rows.map((row) => {
    if (!row.restoreAs || !(openWorkletStatuses as readonly string[]).includes(statusOf(row.workletId) ?? ''))
      return row;
    if (open + 1 > load.capacity)
      return {
        ...row,
        restoreAs: null,
        note: `${load.name} would have ${open + 1} open worklets, over their capacity of ${load.capacity}: assign from the worklet to confirm.`,
      };
    open++;
    return row;
  });
}

async function workloadOf(db: Tx, userId: number): Promise<JoiningMentor | undefined> {
  const [m] = await readMentorWorkloads(db, 'few', Prisma.sql`m.id = ${userId}`);
  return m && { id: m.id, name: m.name, email: m.email, capacity: m.capacity, openWorklets: m.total };
}

/** users.deactivationRestorable: the assignments a reactivation of `userId` can restore. */
export async function restorableAssignments(db: PrismaClient, userId: number) {
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true } });
  if (!user) throw notFound('User');
  const latest = await latestDeactivation(db, userId);
  if (!latest) return { batchId: null, deactivatedAt: null, rows: [] };
  const worklets = await lockWorklets(db, [...new Set(latest.ended.map((e) => e.workletId))].sort(byNumber), false);
  const rows = latest.ended.map((e) => restoreDecision(worklets.get(e.workletId), e));
  const load = await workloadOf(db, userId);
  const statusOf = (id: number) => worklets.get(id)?.status;
  return {
    batchId: latest.id,
    deactivatedAt: latest.createdAt,
    rows: load ? withinCapacity(rows, statusOf, load) : rows,
  };
}

const byNumber = (a: number, b: number) => a - b;

/**
 * Restores the listed assignments of `userId`'s latest deactivation, inside the caller's
 * transaction (the user is active already). Each row says what happened: restored (with
 * its role) or skipped with the reason.
 */
export async function restoreAssignments(tx: Tx, userId: number, assignmentIds: number[], actor: Actor) {
  if (assignmentIds.length === 0) return { batchId: null, rows: [] as RestoreRow[] };
  const latest = await latestDeactivation(tx, userId);
  const byAssignment = new Map((latest?.ended ?? []).map((e) => [e.assignmentId, e]));
  const unknown = assignmentIds.find((a) => !byAssignment.has(a));
  if (unknown !== undefined)
    throw badRequest(`Assignment #${unknown} was not ended by this user's latest deactivation: reload and try again.`);
  const load = (await loadAssignableMentors(tx, [userId])).get(userId)!;
  const wanted = assignmentIds.map((a) => byAssignment.get(a)!).sort((a, b) => a.workletId - b.workletId);
  const worklets = await lockWorklets(tx, [...new Set(wanted.map((e) => e.workletId))]);
  const batch = new BatchRecorder('user_reactivation', actor, userId);
  const decided = withinCapacity(
    wanted.map((ended) => restoreDecision(worklets.get(ended.workletId), ended)),
    (id) => worklets.get(id)?.status,
    load,
  );
  for (const row of decided) {
    const worklet = worklets.get(row.workletId);
    const assignment = worklet?.assignments.find((a) => a.id === row.assignmentId);
    if (worklet && assignment && row.restoreAs) {
      await applyMentorChanges(tx, worklet, [{ kind: 'reactivate', assignment, role: row.restoreAs }], actor, batch);
    }
  }
  const rows = decided;
  return { batchId: batch.batchId, rows };
}
