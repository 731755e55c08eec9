/**
 * The assignment write operations, each one transaction on one locked worklet. They decide
 * *what* changes, under the rules of @worklets/db/assignment-rules (the same rules as the
 * legacy backfill and every other writer); mentor-changes.ts writes it, records it, bumps
 * the worklet's version and keeps the legacy column in sync.
 */
import { type MentorRole, Prisma, type PrismaClient, type SqlClient, sqlTransaction } from '@worklets/db';
import {
  capacityViolation,
  defaultRole,
  type MentorFacts,
  mentorCountViolation,
  mentorViolation,
  openWorkletStatuses,
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
import { badRequest, conflict, type ErrorDetails, enforceRule, notFound, retryOnConflict } from '../errors.ts';
import { readMentorWorkloads } from '../mentors/mentor-workload.ts';
import { staleWrite } from '../stale-write.ts';
import { lockedWorkletMentors } from './assignment-reads.ts';
import type { WorkletMentor } from './assignment-select.ts';
import {
  type Actor,
  applyMentorChanges,
  type CurrentAssignment,
  type LockedWorklet,
  lockWorkletForChange,
  type MentorChange,
  type MentorRef,
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

async function inWorkletTransaction(
  db: PrismaClient,
  workletId: number,
  actor: Actor,
  decide: (tx: SqlClient, worklet: LockedWorklet) => Promise<MentorChange[]>,
): Promise<WriteResult> {
  return retryOnConflict(() =>
    sqlTransaction(db, async (tx) => {
      const worklet = await lockWorkletForChange(tx, workletId);
      const changes = await decide(tx, worklet);
      ensureMentorLimit(worklet, changes);
      const batch = new BatchRecorder('edit', actor);
      const version = await applyMentorChanges(tx, worklet, changes, actor, batch);
      const mentors = await lockedWorkletMentors(tx, workletId);
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

/** A user about to become an active mentor, with their load before the write (rule 5). */
export type JoiningMentor = MentorRef & { capacity: number; openWorklets: number };

/**
 * Reads the users who are about to become active mentors, checks rule 1 for each, and reads
 * their capacity and open workload: two queries.
 */
export async function loadAssignableMentors(tx: SqlClient, mentorIds: number[]): Promise<Map<number, JoiningMentor>> {
  if (mentorIds.length === 0) return new Map();
  // FOR NO KEY UPDATE, in id order: a concurrent deactivation or role change of these users
  // waits for this transaction (and this one for it), so nobody inactive or non-mentor gets
  // assigned; and two writes that add worklets to the same mentor run one after the other,
  // so the second counts the first's assignment (rule 5 cannot be passed twice at once).
  // It still lets others insert rows that merely reference these users (history events).
  const users = await tx.$queryRaw<(MentorFacts & { email: string })[]>`
    SELECT id, name, email, role::text AS role, is_active AS "isActive"
    FROM users WHERE id = ANY(${mentorIds}::int[]) ORDER BY id FOR NO KEY UPDATE`;
  const byId = new Map(users.map((u) => [u.id, u]));
  for (const id of mentorIds) enforceRule(mentorViolation(byId.get(id), id));
  // A statement of its own, after the lock: its snapshot sees every write that held it before.
  const loads = await readMentorWorkloads(tx, 'few', Prisma.sql`m.id = ANY(${mentorIds}::int[])`);
  return new Map(
    loads.map((m) => [m.id, { id: m.id, name: m.name, email: m.email, capacity: m.capacity, openWorklets: m.total }]),
  );
}

/**
 * Rule 5 for the mentors joining `worklet`: each joining an open worklet gains one. Over
 * capacity without `allowOverCapacity`: a CONFLICT naming them with their numbers (the UI
 * asks to confirm, then retries with the flag). Returns the ids whose joining is an override.
 */
function capacityOverrides(worklet: LockedWorklet, joining: JoiningMentor[], allowOverCapacity: boolean): Set<number> {
  const gain = (openWorkletStatuses as readonly string[]).includes(worklet.status) ? 1 : 0;
  const over = joining.flatMap((m) => {
    const violation = capacityViolation({ name: m.name, capacity: m.capacity, activeWorklets: m.openWorklets }, gain);
    return violation ? [{ mentor: m, violation }] : [];
  });
  if (over.length > 0 && !allowOverCapacity) {
    const details: ErrorDetails['overCapacity'] = over.map(({ mentor }) => ({
      id: mentor.id,
      name: mentor.name,
      workload: mentor.openWorklets + gain,
      capacity: mentor.capacity,
    }));
    throw conflict(over.map((o) => o.violation.message).join(' '), { overCapacity: details });
  }
  return new Set(over.map((o) => o.mentor.id));
}

/**
 * Rule 5 for one mentor joining several worklets in one write (a bulk addition): each join
 * on an open worklet counts one, in order. Over capacity without `allowOverCapacity`: a
 * CONFLICT with the numbers, as for a single assignment; with it, the joins past the capacity
 * are marked as confirmed overrides.
 */
export function admitJoins(
  mentor: JoiningMentor,
  joins: { status: string; change: Extract<MentorChange, { kind: 'assign' | 'reactivate' }> }[],
  allowOverCapacity: boolean,
): void {
  const counted = joins.filter((j) => (openWorkletStatuses as readonly string[]).includes(j.status));
  const facts = { name: mentor.name, capacity: mentor.capacity, activeWorklets: mentor.openWorklets };
  const violation = capacityViolation(facts, counted.length);
  if (!violation) return;
  if (!allowOverCapacity) {
    const workload = mentor.openWorklets + counted.length;
    throw conflict(violation.message, {
      overCapacity: [{ id: mentor.id, name: mentor.name, workload, capacity: mentor.capacity }],
    });
  }
  counted.forEach((j, i) => {
    if (mentor.openWorklets + i + 1 > mentor.capacity) j.change.capacityOverride = true;
  });
}

/** Rules 1 and 5 for the mentors about to become active on `worklet`. */
async function admitMentors(
  tx: SqlClient,
  worklet: LockedWorklet,
  mentorIds: number[],
  allowOverCapacity: boolean,
): Promise<{ mentors: Map<number, JoiningMentor>; overrides: Set<number> }> {
  const mentors = await loadAssignableMentors(tx, mentorIds);
  return { mentors, overrides: capacityOverrides(worklet, [...mentors.values()], allowOverCapacity) };
}

/** The mentor as an event records them (no workload). */
function mentorRef(m: JoiningMentor): MentorRef {
  return { id: m.id, name: m.name, email: m.email };
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
  input: Defaulted<AssignMentorInput, 'replacePrimary' | 'allowOverCapacity'>,
  actor: Actor,
): Promise<WriteResult> {
  return inWorkletTransaction(db, input.workletId, actor, async (tx, worklet) => {
    const existing = worklet.assignments.find((a) => a.mentorId === input.mentorId);
    if (existing?.isActive) {
      throw conflict(`${existing.mentor.name} is already assigned to “${worklet.title}” as ${existing.roleType}.`);
    }
    const { mentors, overrides } = await admitMentors(tx, worklet, [input.mentorId], input.allowOverCapacity);
    const mentor = mentors.get(input.mentorId)!;
    const { finalRole, handover } = activation(worklet, mentor.id, mentor.name, input.role, input.replacePrimary);
    const capacityOverride = overrides.has(mentor.id);
    const change: MentorChange = existing
      ? { kind: 'reactivate', assignment: existing, role: finalRole, capacityOverride }
      : { kind: 'assign', mentor: mentorRef(mentor), role: finalRole, capacityOverride };
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
    const { mentors, overrides } = await admitMentors(
      tx,
      worklet,
      joining.map((m) => m.mentorId),
      input.allowOverCapacity ?? false,
    );

    const changes: MentorChange[] = [];
    for (const current of worklet.assignments) {
      if (current.isActive && !wanted.has(current.mentorId)) changes.push({ kind: 'deactivate', assignment: current });
    }
    for (const { mentorId, role } of input.mentors) {
      const current = byMentor.get(mentorId);
      const capacityOverride = overrides.has(mentorId);
      if (!current) changes.push({ kind: 'assign', mentor: mentorRef(mentors.get(mentorId)!), role, capacityOverride });
      else if (!current.isActive) changes.push({ kind: 'reactivate', assignment: current, role, capacityOverride });
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
  input: Defaulted<ReactivateAssignmentInput, 'replacePrimary' | 'allowOverCapacity'>,
  actor: Actor,
): Promise<WriteResult> {
  const workletId = await assignmentWorkletId(db, input.assignmentId);
  return inWorkletTransaction(db, workletId, actor, async (tx, worklet) => {
    const assignment = worklet.assignments.find((a) => a.id === input.assignmentId);
    if (!assignment) throw notFound('Assignment');
    if (assignment.isActive) throw conflict(`${assignment.mentor.name} is already active on “${worklet.title}”.`);
    const { overrides } = await admitMentors(tx, worklet, [assignment.mentorId], input.allowOverCapacity);
    const { finalRole, handover } = activation(
      worklet,
      assignment.mentorId,
      assignment.mentor.name,
      input.role,
      input.replacePrimary,
    );
    const capacityOverride = overrides.has(assignment.mentorId);
    return [...handover, { kind: 'reactivate', assignment, role: finalRole, capacityOverride }];
  });
}
