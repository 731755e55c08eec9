/**
 * The assignment write operations, each one transaction on one locked worklet. They decide
 * *what* changes, under the rules of @worklets/db/assignment-rules (the same rules as the
 * legacy backfill and every other writer); mentor-changes.ts writes it, records it, bumps
 * the worklet's version and keeps the legacy column in sync.
 */
import type { MentorRole, PrismaClient } from '@worklets/db';
import {
  defaultRole,
  type MentorFacts,
  mentorCountViolation,
  mentorViolation,
  primaryViolation,
  workletViolation,
} from '@worklets/db/assignment-rules';
import type {
  AssignMentorInput,
  ChangeAssignmentRoleInput,
  ReactivateAssignmentInput,
  SetWorkletMentorsInput,
} from '@worklets/validators/assignments';
import { BatchRecorder } from '../batches/batch-recorder.ts';
import { badRequest, conflict, enforceRule, notFound, retryOnConflict } from '../errors.ts';
import { staleWrite } from '../stale-write.ts';
import { activeAssignmentSelect, mentorOrder, toWorkletMentor, type WorkletMentor } from './assignment-select.ts';
import {
  type Actor,
  applyMentorChanges,
  type CurrentAssignment,
  type LockedWorklet,
  lockWorkletForChange,
  type MentorChange,
  type MentorRef,
  type Tx,
} from './mentor-changes.ts';

type Defaulted<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: Exclude<T[P], undefined> };

/** `batchId`: the save's batch (what an Undo reverts), null when nothing changed. */
export type WriteResult = {
  workletId: number;
  version: number;
  mentors: WorkletMentor[];
  changes: number;
  batchId: number | null;
};

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
      ensureMentorLimit(worklet, changes);
      const batch = new BatchRecorder('edit', actor);
      const version = await applyMentorChanges(tx, worklet, changes, actor, batch);
      const mentors = await activeMentors(tx, workletId);
      return { workletId, version, mentors, changes: changes.length, batchId: batch.batchId };
    }),
  );
}

/** Rule 3 for every write: the active mentors after the changes. */
function ensureMentorLimit(worklet: LockedWorklet, changes: MentorChange[]): void {
  const delta = changes.reduce(
    (n, c) => n + (c.kind === 'assign' || c.kind === 'reactivate' ? 1 : c.kind === 'deactivate' ? -1 : 0),
    0,
  );
  if (delta <= 0) return;
  enforceRule(mentorCountViolation(worklet, worklet.assignments.filter((a) => a.isActive).length + delta));
}

async function assignmentWorkletId(db: PrismaClient, assignmentId: number): Promise<number> {
  const row = await db.mentorWorkletAssignment.findUnique({ where: { id: assignmentId }, select: { workletId: true } });
  if (!row) throw notFound('Assignment');
  return row.workletId;
}

/** Reads the users who are about to become active mentors and checks rule 1 for each: one query. */
export async function loadAssignableMentors(tx: Tx, mentorIds: number[]): Promise<Map<number, MentorRef>> {
  if (mentorIds.length === 0) return new Map();
  // FOR SHARE: a concurrent deactivation or role change of these users waits for this
  // transaction (and this one for it), so nobody inactive or non-mentor gets assigned.
  const users = await tx.$queryRaw<(MentorFacts & { email: string })[]>`
    SELECT id, name, email, role::text AS role, is_active AS "isActive"
    FROM users WHERE id = ANY(${mentorIds}::int[]) ORDER BY id FOR SHARE`;
  const byId = new Map(users.map((u) => [u.id, u]));
  for (const id of mentorIds) enforceRule(mentorViolation(byId.get(id), id));
  return new Map(users.map((u) => [u.id, { id: u.id, name: u.name, email: u.email }]));
}

function activePrimary(worklet: LockedWorklet): CurrentAssignment | undefined {
  return worklet.assignments.find((a) => a.isActive && a.roleType === 'Primary');
}

/**
 * Rule 4 when `mentorId` is to become Primary and someone else is: either demote them to
 * Secondary (`replacePrimary`) or refuse with a CONFLICT that names them.
 */
function primaryHandover(
  worklet: LockedWorklet,
  mentorId: number,
  newMentorName: string,
  replacePrimary: boolean,
): MentorChange[] {
  const current = activePrimary(worklet);
  const taken = primaryViolation(
    worklet,
    current && { mentorId: current.mentorId, name: current.mentor.name },
    mentorId,
  );
  if (!taken || !current) return [];
  if (!replacePrimary) {
    throw conflict(
      `${taken.message} Replace the Primary to make ${newMentorName} Primary; ${current.mentor.name} then becomes Secondary.`,
      { primaryMentor: { id: current.mentor.id, name: current.mentor.name } },
    );
  }
  return [{ kind: 'changeRole', assignment: current, role: 'Secondary' }];
}

/** Activating a mentor (new or returning) with a role: the rules shared by assign and reactivate. */
function activation(
  worklet: LockedWorklet,
  mentorId: number,
  mentorName: string,
  role: MentorRole | undefined,
  replacePrimary: boolean,
) {
  enforceRule(workletViolation(worklet));
  const finalRole = role ?? defaultRole(activePrimary(worklet) !== undefined);
  const handover = finalRole === 'Primary' ? primaryHandover(worklet, mentorId, mentorName, replacePrimary) : [];
  return { finalRole, handover };
}

/** The design's POST /{worklet_id}/assign-mentor; an inactive pair is reactivated. A delta: no version needed. */
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
 * changes roles and deactivates as needed, all or nothing. Refused (CONFLICT with
 * `staleWrite`) when the worklet changed since `input.expectedVersion`: the set was edited
 * from an older state, and applying it would silently undo someone else's change.
 */
export function setWorkletMentors(db: PrismaClient, input: SetWorkletMentorsInput, actor: Actor): Promise<WriteResult> {
  return inWorkletTransaction(db, input.workletId, actor, async (tx, worklet) => {
    if (worklet.version !== input.expectedVersion) throw await staleWrite(tx, worklet, input.expectedVersion);
    const byMentor = new Map(worklet.assignments.map((a) => [a.mentorId, a]));
    const wanted = new Map(input.mentors.map((m) => [m.mentorId, m.role]));
    const joining = input.mentors.filter((m) => !byMentor.get(m.mentorId)?.isActive);
    if (joining.length > 0) enforceRule(workletViolation(worklet));
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
