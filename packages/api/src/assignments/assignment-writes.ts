/**
 * The assignment write operations, each one transaction on one worklet.
 * They decide *what* changes; mentor-changes.ts writes it, records it and keeps the
 * legacy column in sync.
 */
import type { MentorRole, PrismaClient } from '@worklets/db';
import type {
  AssignMentorInput,
  ChangeAssignmentRoleInput,
  ReactivateAssignmentInput,
  SetWorkletMentorsInput,
} from '@worklets/validators/assignments';
import { badRequest, conflict, notFound, retryOnConflict } from '../errors.ts';
import {
  type Actor,
  applyMentorChanges,
  defaultRole,
  ensureOpenForNewMentors,
  type LockedWorklet,
  loadAssignableMentors,
  lockWorkletForChange,
  type MentorChange,
  primaryHandover,
  type Tx,
} from './mentor-changes.ts';
import { activeAssignmentSelect, mentorOrder, toWorkletMentor, type WorkletMentor } from './mentor-select.ts';

type Defaulted<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: Exclude<T[P], undefined> };

export type WriteResult = { workletId: number; mentors: WorkletMentor[]; changes: number };

async function activeMentors(tx: Tx, workletId: number): Promise<WorkletMentor[]> {
  const rows = await tx.mentorWorkletAssignment.findMany({
    where: { workletId, isActive: true },
    select: activeAssignmentSelect,
    orderBy: mentorOrder,
  });
  return rows.map(toWorkletMentor);
}

async function inWorkletTransaction(
  db: PrismaClient,
  workletId: number,
  actor: Actor,
  decide: (tx: Tx, worklet: LockedWorklet) => Promise<MentorChange[]>,
): Promise<WriteResult> {
  return retryOnConflict(() =>
    db.$transaction(async (tx) => {
      const worklet = await lockWorkletForChange(tx, workletId);
      const changes = await decide(tx, worklet);
      await applyMentorChanges(tx, worklet, changes, actor);
      return { workletId, mentors: await activeMentors(tx, workletId), changes: changes.length };
    }),
  );
}

async function assignmentWorkletId(db: PrismaClient, assignmentId: number): Promise<number> {
  const row = await db.mentorWorkletAssignment.findUnique({ where: { id: assignmentId }, select: { workletId: true } });
  if (!row) throw notFound('Assignment');
  return row.workletId;
}

/** Activating a mentor (new or returning) with a role: the rules shared by assign and reactivate. */
function activation(
  worklet: LockedWorklet,
  mentorId: number,
  mentorName: string,
  role: MentorRole | undefined,
  replacePrimary: boolean,
) {
  ensureOpenForNewMentors(worklet);
  const finalRole = role ?? defaultRole(worklet);
  const handover = finalRole === 'Primary' ? primaryHandover(worklet, mentorId, mentorName, replacePrimary) : [];
  return { finalRole, handover };
}

/** The design's POST /{worklet_id}/assign-mentor; an inactive pair is reactivated. */
export function assignMentor(
  db: PrismaClient,
  input: Defaulted<AssignMentorInput, 'replacePrimary'>,
  actor: Actor,
): Promise<WriteResult> {
  return inWorkletTransaction(db, input.workletId, actor, async (tx, worklet) => {
    const existing = worklet.assignments.find((a) => a.mentorId === input.mentorId);
    if (existing?.isActive) {
      throw conflict(`${existing.mentor.name} is already assigned to “${worklet.title}” as ${existing.roleType}.`);
    }
    const mentor = (await loadAssignableMentors(tx, [input.mentorId])).get(input.mentorId)!;
    const { finalRole, handover } = activation(worklet, mentor.id, mentor.name, input.role, input.replacePrimary);
    const change: MentorChange = existing
      ? { kind: 'reactivate', assignment: existing, role: finalRole }
      : { kind: 'assign', mentor, role: finalRole };
    return [...handover, change];
  });
}

/**
 * Makes the worklet's active mentors exactly `input.mentors`: assigns, reactivates,
 * changes roles and deactivates as needed, all or nothing.
 */
export function setWorkletMentors(db: PrismaClient, input: SetWorkletMentorsInput, actor: Actor): Promise<WriteResult> {
  return inWorkletTransaction(db, input.workletId, actor, async (tx, worklet) => {
    const byMentor = new Map(worklet.assignments.map((a) => [a.mentorId, a]));
    const wanted = new Map(input.mentors.map((m) => [m.mentorId, m.role]));
    const joining = input.mentors.filter((m) => !byMentor.get(m.mentorId)?.isActive);
    if (joining.length > 0) ensureOpenForNewMentors(worklet);
    const mentors = await loadAssignableMentors(
      tx,
      joining.map((m) => m.mentorId),
    );

    const changes: MentorChange[] = [];
    for (const current of worklet.assignments) {
      if (current.isActive && !wanted.has(current.mentorId)) changes.push({ kind: 'deactivate', assignment: current });
    }
    for (const { mentorId, role } of input.mentors) {
      const current = byMentor.get(mentorId);
      if (!current) changes.push({ kind: 'assign', mentor: mentors.get(mentorId)!, role });
      else if (!current.isActive) changes.push({ kind: 'reactivate', assignment: current, role });
      else if (current.roleType !== role) changes.push({ kind: 'changeRole', assignment: current, role });
    }
    return changes;
  });
}

export async function changeAssignmentRole(
  db: PrismaClient,
  input: Defaulted<ChangeAssignmentRoleInput, 'replacePrimary'>,
  actor: Actor,
): Promise<WriteResult> {
  const workletId = await assignmentWorkletId(db, input.assignmentId);
  return inWorkletTransaction(db, workletId, actor, async (_tx, worklet) => {
    const assignment = worklet.assignments.find((a) => a.id === input.assignmentId);
    if (!assignment) throw notFound('Assignment');
    if (!assignment.isActive)
      throw badRequest(
        `${assignment.mentor.name} is no longer active on this worklet: reactivate the assignment first.`,
      );
    if (assignment.roleType === input.role) return [];
    const handover =
      input.role === 'Primary'
        ? primaryHandover(worklet, assignment.mentorId, assignment.mentor.name, input.replacePrimary)
        : [];
    return [...handover, { kind: 'changeRole', assignment, role: input.role }];
  });
}

/** Soft delete: the row stays, inactive, with its history. */
export async function deactivateAssignment(db: PrismaClient, assignmentId: number, actor: Actor): Promise<WriteResult> {
  const workletId = await assignmentWorkletId(db, assignmentId);
  return inWorkletTransaction(db, workletId, actor, async (_tx, worklet) => {
    const assignment = worklet.assignments.find((a) => a.id === assignmentId);
    if (!assignment) throw notFound('Assignment');
    if (!assignment.isActive) throw conflict(`${assignment.mentor.name} is already inactive on “${worklet.title}”.`);
    return [{ kind: 'deactivate', assignment }];
  });
}

export async function reactivateAssignment(
  db: PrismaClient,
  input: Defaulted<ReactivateAssignmentInput, 'replacePrimary'>,
  actor: Actor,
): Promise<WriteResult> {
  const workletId = await assignmentWorkletId(db, input.assignmentId);
  return inWorkletTransaction(db, workletId, actor, async (tx, worklet) => {
    const assignment = worklet.assignments.find((a) => a.id === input.assignmentId);
    if (!assignment) throw notFound('Assignment');
    if (assignment.isActive) throw conflict(`${assignment.mentor.name} is already active on “${worklet.title}”.`);
    await loadAssignableMentors(tx, [assignment.mentorId]);
    const { finalRole, handover } = activation(
      worklet,
      assignment.mentorId,
      assignment.mentor.name,
      input.role,
      input.replacePrimary,
    );
    return [...handover, { kind: 'reactivate', assignment, role: finalRole }];
  });
}
