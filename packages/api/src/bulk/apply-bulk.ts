/**
 * A bulk change on many worklets: add a mentor with a role, remove a mentor, or change the
 * status. One transaction and one `bulk` batch (one Undo reverts it all); every worklet is
 * locked in id order and decided under the same rules as a single edit
 * (@worklets/db/assignment-rules), written by the same writers (`applyMentorChanges`,
 * `applyFieldChanges`). A rule about the whole request (the mentor does not exist, is no
 * mentor, is deactivated) is a typed error and writes nothing; a rule about one worklet
 * skips that worklet with the reason, and the others go ahead.
 *
 * Statements: a constant few for the whole request (resolve, the locks, the mentor, the
 * batch, the set-based writes of every mentor change), or two per worklet for a status change.
 */
import type { PrismaClient } from '@worklets/db';
import { mentorCountViolation, workletViolation } from '@worklets/db/assignment-rules';
import type { BulkAction, BulkChangeInput } from '@worklets/validators/bulk';
import { maxBulkWorklets } from '@worklets/validators/bulk';
import type { WorkletStatus } from '@worklets/validators/worklets';
import { admitJoins, type JoiningMentor, loadAssignableMentors } from '../assignments/assignment-writes.ts';
import { applyMentorChangesMany, type MentorChange, type MentorRef, type Tx } from '../assignments/mentor-changes.ts';
import { BatchRecorder } from '../batches/batch-recorder.ts';
import { type LockedWorkletRow, lockWorklets } from '../batches/lock-worklets.ts';
import type { SessionUser } from '../context.ts';
import { badRequest, notFound, retryOnConflict } from '../errors.ts';
import { workletFilters } from '../worklets/list-worklets.ts';
import { visibleWorklets } from '../worklets/worklet-scope.ts';
import { applyFieldChanges } from '../worklets/worklet-writes.ts';

type BulkRow = { workletId: number; title: string | null; result: 'done' | 'skipped'; reason: string | null };

/** What one worklet gets: mentor changes, a new status, or nothing and why. */
type RowPlan = { changes: MentorChange[]; status?: WorkletStatus } | { skipped: string };

type Target = BulkChangeInput['target'];

/** The worklets' ids in id order (the lock order); "matching" is resolved here, capped. */
async function resolveTarget(tx: Tx, user: SessionUser, target: Target): Promise<number[]> {
  if ('ids' in target) return [...new Set(target.ids)].sort((a, b) => a - b);
  const { coverage = 'all', ...filters } = target.matching;
  const rows = await tx.worklet.findMany({
    where: { AND: [visibleWorklets(user), ...workletFilters({ ...filters, coverage })] },
    select: { id: true },
    orderBy: { id: 'asc' },
    take: maxBulkWorklets + 1,
  });
  if (rows.length > maxBulkWorklets)
    throw badRequest(
      `More than ${maxBulkWorklets} worklets match these filters: a bulk change takes at most ${maxBulkWorklets}. Narrow the filters and try again.`,
    );
  return rows.map((r) => r.id);
}

/** The mentor the action names: rule 1 for an addition (whole request), existence for a removal. */
async function actionMentor(tx: Tx, action: BulkAction): Promise<MentorRef | undefined> {
  if (action.kind === 'addMentor') return (await loadAssignableMentors(tx, [action.mentorId])).get(action.mentorId);
  if (action.kind === 'removeMentor') {
    const mentor = await tx.user.findUnique({
      where: { id: action.mentorId },
      select: { id: true, name: true, email: true },
    });
    if (!mentor) throw notFound('Mentor');
    return mentor;
  }
  return undefined;
}

function planAddition(
  worklet: LockedWorkletRow,
  action: Extract<BulkAction, { kind: 'addMentor' }>,
  mentor: MentorRef,
): RowPlan {
  const existing = worklet.assignments.find((a) => a.mentorId === mentor.id);
  if (existing?.isActive) return { skipped: `${mentor.name} is already assigned as ${existing.roleType}.` };
  const active = worklet.assignments.filter((a) => a.isActive);
  const violation = workletViolation(worklet) ?? mentorCountViolation(worklet, active.length + 1);
  if (violation) return { skipped: violation.message };
  const handover: MentorChange[] = [];
  const primary = active.find((a) => a.roleType === 'Primary');
  if (action.role === 'Primary' && primary) {
    if (!action.replacePrimary)
      return { skipped: `${primary.mentor.name} is the Primary mentor already (replace the Primary to change that).` };
    handover.push({ kind: 'changeRole', assignment: primary, role: 'Secondary' });
  }
  const change: MentorChange = existing
    ? { kind: 'reactivate', assignment: existing, role: action.role }
    : { kind: 'assign', mentor, role: action.role };
  return { changes: [...handover, change] };
}

/**
 * The change one worklet gets, decided under its lock. A plan whose changes `assign` or
 * `reactivate` the mentor is a row where the mentor joins a worklet (what the capacity rule
 * counts, with `allowOverCapacity`).
 */
function planRow(worklet: LockedWorkletRow, action: BulkAction, mentor: MentorRef | undefined): RowPlan {
  switch (action.kind) {
    case 'addMentor':
      return planAddition(worklet, action, mentor!);
    case 'removeMentor': {
      const assignment = worklet.assignments.find((a) => a.mentorId === action.mentorId && a.isActive);
      if (!assignment) return { skipped: `${mentor!.name} is not assigned to it.` };
      return { changes: [{ kind: 'deactivate', assignment }] };
    }
    case 'setStatus':
      if (worklet.status === action.status) return { skipped: `It is ${action.status} already.` };
      return { changes: [], status: action.status };
  }
}

export function applyBulkChange(db: PrismaClient, input: BulkChangeInput, actor: SessionUser) {
  return retryOnConflict(() =>
    db.$transaction(async (tx) => {
      const ids = await resolveTarget(tx, actor, input.target);
      // Worklets first, then the mentor's row, in the order every assignment writer locks them.
      const worklets = await lockWorklets(tx, ids);
      const mentor = await actionMentor(tx, input.action);
      const batch = new BatchRecorder('bulk', actor);
      const rows: BulkRow[] = [];
      const planned: { worklet: LockedWorkletRow; plan: Exclude<RowPlan, { skipped: string }> }[] = [];
      for (const id of ids) {
        const worklet = worklets.get(id);
        if (!worklet) {
          rows.push({ workletId: id, title: null, result: 'skipped', reason: `Worklet #${id} not found.` });
          continue;
        }
        const plan = planRow(worklet, input.action, mentor);
        if ('skipped' in plan) {
          rows.push({ workletId: id, title: worklet.title, result: 'skipped', reason: plan.skipped });
          continue;
        }
        planned.push({ worklet, plan });
        rows.push({ workletId: id, title: worklet.title, result: 'done', reason: null });
      }
      // Rule 5 over the whole request: the mentor joins every planned worklet.
      if (input.action.kind === 'addMentor') {
        const joins = planned.flatMap(({ worklet, plan }) =>
          plan.changes.flatMap((change) =>
            change.kind === 'assign' || change.kind === 'reactivate' ? [{ status: worklet.status, change }] : [],
          ),
        );
        admitJoins(mentor as JoiningMentor, joins, input.allowOverCapacity);
      }
      // Every worklet's mentor changes in a constant number of statements; a status, two each.
      await applyMentorChangesMany(
        tx,
        planned.map(({ worklet, plan }) => ({ worklet, changes: plan.changes })),
        actor,
        batch,
      );
      for (const { worklet, plan } of planned)
        if (plan.status) await applyFieldChanges(tx, worklet, { status: plan.status }, actor, batch);
      const done = rows.filter((r) => r.result === 'done').length;
      return { batchId: batch.batchId, done, skipped: rows.length - done, rows };
    }),
  );
}
