/**
 * The one place where assignments change. Every write procedure (assign, set the whole
 * set, change a role, deactivate, reactivate) describes its changes and hands them to
 * `applyMentorChanges`, which, inside the caller's transaction:
 *   - has locked the worklet row (`lockWorkletForChange`), so changes to one worklet's
 *     mentors run one after another and every check sees the latest committed state;
 *   - writes the changes in an order the one-active-Primary index accepts (demotions
 *     and deactivations before promotions);
 *   - appends one `assignment_events` row per change, with the signed-in actor;
 *   - sets the legacy `worklets.mentor_id` to the active Primary (or null).
 */
import type { MentorRole, Prisma } from '@worklets/db';
import type { SessionUser } from '../context.ts';
import { badRequest, conflict, notFound } from '../errors.ts';

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
  status: 'draft' | 'active' | 'completed' | 'archived';
  assignments: CurrentAssignment[];
};

export type MentorChange =
  | { kind: 'assign'; mentor: MentorRef; role: MentorRole }
  | { kind: 'reactivate'; assignment: CurrentAssignment; role: MentorRole }
  | { kind: 'changeRole'; assignment: CurrentAssignment; role: MentorRole }
  | { kind: 'deactivate'; assignment: CurrentAssignment };

/** Locks the worklet row for the rest of the transaction and reads its assignments. */
export async function lockWorkletForChange(tx: Tx, workletId: number): Promise<LockedWorklet> {
  const rows = await tx.$queryRaw<{ id: number; title: string; status: LockedWorklet['status'] }[]>`
    SELECT id, title, status::text AS status FROM worklets WHERE id = ${workletId} FOR UPDATE`;
  const worklet = rows[0];
  if (!worklet) throw notFound('Worklet');
  const assignments = await tx.mentorWorkletAssignment.findMany({
    where: { workletId },
    select: {
      id: true,
      mentorId: true,
      roleType: true,
      isActive: true,
      mentor: { select: { id: true, name: true, email: true } },
    },
    orderBy: { id: 'asc' },
  });
  return { ...worklet, assignments };
}

/** Reads the mentors that are about to be added and checks they can be: one query. */
export async function loadAssignableMentors(tx: Tx, mentorIds: number[]): Promise<Map<number, MentorRef>> {
  if (mentorIds.length === 0) return new Map();
  // FOR SHARE: a concurrent deactivation or role change of these users waits for this
  // transaction (and this one for it), so nobody inactive or non-mentor gets assigned.
  const users = await tx.$queryRaw<{ id: number; name: string; email: string; role: string; isActive: boolean }[]>`
    SELECT id, name, email, role::text AS role, is_active AS "isActive"
    FROM users WHERE id = ANY(${mentorIds}::int[]) ORDER BY id FOR SHARE`;
  const byId = new Map(users.map((u) => [u.id, u]));
  for (const id of mentorIds) {
    const user = byId.get(id);
    if (!user) throw notFound(`Mentor #${id}`);
    if (user.role !== 'mentor')
      throw badRequest(`${user.name} is not a mentor: only users with the mentor role can be assigned.`);
    if (!user.isActive) throw badRequest(`${user.name} is deactivated and cannot be assigned.`);
  }
  return new Map(users.map((u) => [u.id, { id: u.id, name: u.name, email: u.email }]));
}

export function activePrimary(worklet: LockedWorklet): CurrentAssignment | undefined {
  return worklet.assignments.find((a) => a.isActive && a.roleType === 'Primary');
}

/** The role a mentor gets when none is asked for: Primary if the worklet has none, else Secondary. */
export function defaultRole(worklet: LockedWorklet): MentorRole {
  return activePrimary(worklet) ? 'Secondary' : 'Primary';
}

export function ensureOpenForNewMentors(worklet: LockedWorklet): void {
  if (worklet.status === 'archived')
    throw badRequest(`“${worklet.title}” is archived: archived worklets cannot get new mentors.`);
}

/**
 * When `mentorId` is to become Primary and someone else is: either demote them to
 * Secondary (`replacePrimary`) or refuse with a CONFLICT that names them.
 */
export function primaryHandover(
  worklet: LockedWorklet,
  mentorId: number,
  newMentorName: string,
  replacePrimary: boolean,
): MentorChange[] {
  const current = activePrimary(worklet);
  if (!current || current.mentorId === mentorId) return [];
  if (!replacePrimary) {
    throw conflict(
      `${current.mentor.name} is already the Primary mentor of “${worklet.title}”. ` +
        `Replace the Primary to make ${newMentorName} Primary; ${current.mentor.name} then becomes Secondary.`,
      { primaryMentor: { id: current.mentor.id, name: current.mentor.name } },
    );
  }
  return [{ kind: 'changeRole', assignment: current, role: 'Secondary' }];
}

const becomesPrimary = (c: MentorChange) => c.kind !== 'deactivate' && c.role === 'Primary';

type EventRow = Prisma.AssignmentEventCreateManyInput;

export async function applyMentorChanges(
  tx: Tx,
  worklet: LockedWorklet,
  changes: MentorChange[],
  actor: Actor,
): Promise<void> {
  if (changes.length === 0) return;
  // Vacate before filling: the database allows one active Primary at every moment.
  const ordered = [...changes.filter((c) => !becomesPrimary(c)), ...changes.filter(becomesPrimary)];
  const events: EventRow[] = [];
  const event = (
    assignmentId: number,
    mentor: MentorRef,
    type: EventRow['type'],
    oldRole: MentorRole | null,
    newRole: MentorRole | null,
  ) =>
    events.push({
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
    });

  for (const change of ordered) {
    switch (change.kind) {
      case 'assign': {
        const created = await tx.mentorWorkletAssignment.create({
          data: {
            workletId: worklet.id,
            mentorId: change.mentor.id,
            roleType: change.role,
            isActive: true,
            assignedById: actor.id,
          },
          select: { id: true },
        });
        event(created.id, change.mentor, 'assigned', null, change.role);
        break;
      }
      case 'reactivate': {
        // The same row comes back: a new assigned_at and assigner, the history keeps the rest.
        await tx.mentorWorkletAssignment.update({
          where: { id: change.assignment.id },
          data: { isActive: true, roleType: change.role, assignedAt: new Date(), assignedById: actor.id },
        });
        event(change.assignment.id, change.assignment.mentor, 'reactivated', null, change.role);
        break;
      }
      case 'changeRole': {
        await tx.mentorWorkletAssignment.update({
          where: { id: change.assignment.id },
          data: { roleType: change.role },
        });
        event(change.assignment.id, change.assignment.mentor, 'role_changed', change.assignment.roleType, change.role);
        break;
      }
      case 'deactivate': {
        await tx.mentorWorkletAssignment.update({ where: { id: change.assignment.id }, data: { isActive: false } });
        event(change.assignment.id, change.assignment.mentor, 'deactivated', change.assignment.roleType, null);
        break;
      }
    }
  }
  await tx.assignmentEvent.createMany({ data: events });
  await syncLegacyMentor(tx, worklet.id);
}

/** Keeps the legacy column true: `worklets.mentor_id` = the active Primary, or null. */
export async function syncLegacyMentor(tx: Tx, workletId: number): Promise<void> {
  await tx.$executeRaw`
    UPDATE worklets SET mentor_id = (
      SELECT mentor_id FROM mentor_worklet_assignments
      WHERE worklet_id = ${workletId} AND role_type = 'Primary' AND is_active
    )
    WHERE id = ${workletId}`;
}
