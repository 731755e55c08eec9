/**
 * Deterministic generator of a mentorship program: users, worklets, assignments with their
 * history. The same generator feeds the demo data and the bulk benchmark data; only the
 * sizes differ. Rows carry explicit ids, so a generated program loads into an empty
 * database in a handful of batched statements (see load.ts).
 */

// The enums of prisma/schema.prisma, as Prisma generates them.
import type {
  AssignmentEventType as EventType,
  MentorRole,
  UserRole as Role,
  WorkletStatus,
} from '../generated/prisma/enums.ts';
import { Random } from './random.ts';
import {
  contexts,
  descriptions,
  firstNames,
  lastNames,
  mentorCompanies,
  studentDomain,
  subjects,
} from './vocabulary.ts';

type UserRow = { id: number; email: string; name: string; role: Role; isActive: boolean; createdAt: Date };
type WorkletRow = {
  id: number;
  title: string;
  description: string;
  status: WorkletStatus;
  mentorId: number | null;
  /** 1 + the number of events of the worklet (each change bumps the version). */
  version: number;
  createdAt: Date;
};
type AssignmentRow = {
  id: number;
  mentorId: number;
  workletId: number;
  assignedAt: Date;
  roleType: MentorRole;
  isActive: boolean;
  assignedBy: number | null;
};
type EventRow = {
  id: number;
  assignmentId: number;
  workletId: number;
  mentorId: number;
  mentorName: string;
  mentorEmail: string;
  actorId: number | null;
  actorName: string | null;
  type: EventType;
  oldRole: MentorRole | null;
  newRole: MentorRole | null;
  occurredAt: Date;
  /** The worklet's version after this change: 2, 3, ... per worklet in time order. */
  workletVersion: number;
};
export type Program = { users: UserRow[]; worklets: WorkletRow[]; assignments: AssignmentRow[]; events: EventRow[] };

export type ProgramSize = {
  admins: number;
  mentors: number;
  students: number;
  worklets: number;
  /** Share of assignments that end inactive (deactivated), with their history. */
  inactiveShare?: number;
  seed?: number;
  /** Give the first admin, mentor and student the documented sign-in emails (demo only). */
  demoEmails?: boolean;
};

/** Sign-in emails of the demo accounts (their passwords are set by packages/auth). */
export const demoEmails = {
  admin: 'admin@worklets.example',
  mentor: 'mentor@worklets.example',
  student: 'student@worklets.example',
} as const;

/** All demo timestamps are relative to this day, so runs on any date produce the same data. */
const programStart = Date.UTC(2026, 1, 2, 9, 0, 0);
const day = 86_400_000;

export function generateProgram(size: ProgramSize): Program {
  const rnd = new Random(size.seed ?? 20260202);
  const users: UserRow[] = [];
  const usedEmails = new Set<string>();
  const person = (role: Role, domain: (first: string, last: string) => string) => {
    const first = rnd.pick(firstNames);
    const last = rnd.pick(lastNames);
    const firstOfRole = size.demoEmails === true && !users.some((u) => u.role === role);
    let email = firstOfRole ? demoEmails[role] : `${first}.${last}@${domain(first, last)}`.toLowerCase();
    for (let n = 2; usedEmails.has(email); n++) email = `${first}.${last}${n}@${domain(first, last)}`.toLowerCase();
    usedEmails.add(email);
    const id = users.length + 1;
    users.push({
      id,
      email,
      name: `${first} ${last}`,
      role,
      isActive: true,
      createdAt: new Date(programStart - rnd.int(30, 400) * day),
    });
    return id;
  };
  for (let i = 0; i < size.admins; i++) person('admin', () => 'worklets.example');
  const mentorIds: number[] = [];
  for (let i = 0; i < size.mentors; i++) mentorIds.push(person('mentor', () => rnd.pick(mentorCompanies)));
  for (let i = 0; i < size.students; i++) person('student', () => studentDomain);
  // A few mentors have left the program: deactivated, their history kept.
  const leftMentors = new Set(
    rnd.sample(mentorIds.length, Math.floor(mentorIds.length * 0.05)).map((i) => mentorIds[i]!),
  );
  if (size.demoEmails) leftMentors.delete(mentorIds[0]!);
  for (const id of leftMentors) users[id - 1]!.isActive = false;
  const adminIds = users.filter((u) => u.role === 'admin').map((u) => u.id);
  const userById = (id: number) => users[id - 1]!;

  const worklets: WorkletRow[] = [];
  const assignments: AssignmentRow[] = [];
  const events: EventRow[] = [];
  const inactiveShare = size.inactiveShare ?? 0.1;
  const event = (
    a: AssignmentRow,
    type: EventType,
    actorId: number | null,
    oldRole: MentorRole | null,
    newRole: MentorRole | null,
    at: Date,
  ) => {
    const mentor = userById(a.mentorId);
    events.push({
      id: events.length + 1,
      assignmentId: a.id,
      workletId: a.workletId,
      mentorId: a.mentorId,
      mentorName: mentor.name,
      mentorEmail: mentor.email,
      actorId,
      actorName: actorId ? userById(actorId).name : null,
      type,
      oldRole,
      newRole,
      occurredAt: at,
      workletVersion: 0, // numbered in time order once the worklet's history is complete
    });
  };

  for (let w = 1; w <= size.worklets; w++) {
    const r = rnd.next();
    const status: WorkletStatus = r < 0.12 ? 'draft' : r < 0.7 ? 'active' : r < 0.9 ? 'completed' : 'archived';
    const createdAt = new Date(programStart + rnd.int(0, 240) * day + rnd.int(0, 8 * 60) * 60_000);
    const subject = rnd.pick(subjects);
    const context = rnd.pick(contexts);
    worklets.push({
      id: w,
      title: size.worklets > 500 ? `${subject} ${context} #${w}` : `${subject} ${context}`,
      description: rnd.pick(descriptions),
      status,
      mentorId: null,
      version: 1,
      createdAt,
    });
    // Some fresh drafts have nobody yet; everyone else has 1-4 mentors.
    const count = status === 'draft' && rnd.chance(0.4) ? 0 : rnd.int(1, 4);
    const chosen = rnd.sample(mentorIds.length, count).map((i) => mentorIds[i]!);
    const mine: AssignmentRow[] = [];
    const firstEvent = events.length;
    chosen.forEach((mentorId, index) => {
      const actor = rnd.pick(adminIds);
      const role: MentorRole = index === 0 ? 'Primary' : rnd.chance(0.6) ? 'Secondary' : 'Collaborator';
      const assignedAt = new Date(createdAt.getTime() + rnd.int(1, 72) * 3_600_000);
      const a: AssignmentRow = {
        id: assignments.length + 1,
        mentorId,
        workletId: w,
        assignedAt,
        roleType: role,
        isActive: true,
        assignedBy: actor,
      };
      assignments.push(a);
      mine.push(a);
      event(a, 'assigned', actor, null, role, assignedAt);
      let at = assignedAt;
      if (role === 'Collaborator' && rnd.chance(0.25)) {
        at = new Date(at.getTime() + rnd.int(2, 20) * day);
        a.roleType = 'Secondary';
        event(a, 'role_changed', rnd.pick(adminIds), 'Collaborator', 'Secondary', at);
      }
      if (leftMentors.has(mentorId) || rnd.chance(inactiveShare)) {
        at = new Date(at.getTime() + rnd.int(3, 40) * day);
        a.isActive = false;
        event(a, 'deactivated', rnd.pick(adminIds), a.roleType, null, at);
        if (!leftMentors.has(mentorId) && rnd.chance(0.2)) {
          at = new Date(at.getTime() + rnd.int(1, 10) * day);
          a.isActive = true;
          event(a, 'reactivated', rnd.pick(adminIds), null, a.roleType, at);
        }
      }
    });
    const primary = mine.find((a) => a.isActive && a.roleType === 'Primary');
    worklets[w - 1]!.mentorId = primary ? primary.mentorId : null;
    const history = events
      .slice(firstEvent)
      .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id - b.id);
    history.forEach((e, i) => {
      e.workletVersion = i + 2;
    });
    worklets[w - 1]!.version = history.length + 1;
  }
  return { users, worklets, assignments, events };
}
