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
 *   - appends one `assignment_events` row per change, with the signed-in actor and the
 *     worklet's new version.
 */
import { type MentorRole, type Prisma, workletsChangedSql } from '@worklets/db';
import type { SessionUser } from '../context.ts';
import { notFound } from '../errors.ts';

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
export async function lockWorkletForChange(tx: Tx, workletId: number): Promise<LockedWorklet> {
  const rows = await tx.$queryRaw<{ id: number; title: string; version: number; status: LockedWorklet['status'] }[]>`
    SELECT id, title, version, status::text AS status FROM worklets WHERE id = ${workletId} FOR UPDATE`;
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

const becomesPrimary = (c: MentorChange) => c.kind !== 'deactivate' && c.role === 'Primary';

type EventRow = Prisma.AssignmentEventCreateManyInput;

/** Writes `changes` to the locked worklet; returns the worklet's version afterwards. */
export async function applyMentorChanges(
  tx: Tx,
  worklet: LockedWorklet,
  changes: MentorChange[],
  actor: Actor,
): Promise<number> {
  if (changes.length === 0) return worklet.version;
  // Vacate before filling: the database allows one active Primary at every moment.
  const ordered = [...changes.filter((c) => !becomesPrimary(c)), ...changes.filter(becomesPrimary)];
  const events: Omit<EventRow, 'workletVersion'>[] = [];
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
        if (change.capacityOverride) events.at(-1)!.capacityOverride = true; // rule 5, confirmed
        break;
      }
      case 'reactivate': {
        // The same row comes back: a new assigned_at and assigner, the history keeps the rest.
        await tx.mentorWorkletAssignment.update({
          where: { id: change.assignment.id },
          data: { isActive: true, roleType: change.role, assignedAt: new Date(), assignedById: actor.id },
        });
        event(change.assignment.id, change.assignment.mentor, 'reactivated', null, change.role);
        if (change.capacityOverride) events.at(-1)!.capacityOverride = true; // rule 5, confirmed
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
  const [changed] = await tx.$queryRawUnsafe<{ version: number }[]>(workletsChangedSql, [worklet.id]);
  const version = changed!.version;
  await tx.assignmentEvent.createMany({ data: events.map((e) => ({ ...e, workletVersion: version })) });
  return version;
}
