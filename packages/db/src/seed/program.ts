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

type UserRow = {
  id: number;
  email: string;
  name: string;
  role: Role;
  isActive: boolean;
  createdAt: Date;
  /** A mentor's own capacity (null: the program default). */
  capacity: number | null;
};
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

/** The program's people; the mentors who left are deactivated (their history is kept). */
type People = { users: UserRow[]; mentorIds: number[]; adminIds: number[]; leftMentors: Set<number> };

function generatePeople(rnd: Random, size: ProgramSize): People {
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
      capacity: null,
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
  return { users, mentorIds, adminIds, leftMentors };
}

/** What the assignments of every worklet are generated from and appended to. */
type History = {
  rnd: Random;
  people: People;
  inactiveShare: number;
  assignments: AssignmentRow[];
  events: EventRow[];
};

function addEvent(
  h: History,
  a: AssignmentRow,
  type: EventType,
  actorId: number | null,
  oldRole: MentorRole | null,
  newRole: MentorRole | null,
  at: Date,
) {
  const userById = (id: number) => h.people.users[id - 1]!;
  const mentor = userById(a.mentorId);
  h.events.push({
    id: h.events.length + 1,
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
}

function generateWorklet(rnd: Random, id: number, worklets: number): WorkletRow {
  const r = rnd.next();
  const status: WorkletStatus = r < 0.12 ? 'draft' : r < 0.7 ? 'active' : r < 0.9 ? 'completed' : 'archived';
  const createdAt = new Date(programStart + rnd.int(0, 240) * day + rnd.int(0, 8 * 60) * 60_000);
  const subject = rnd.pick(subjects);
  const context = rnd.pick(contexts);
  return {
    id,
    title: worklets > 500 ? `${subject} ${context} #${id}` : `${subject} ${context}`,
    description: rnd.pick(descriptions),
    status,
    mentorId: null,
    version: 1,
    createdAt,
  };
}

/** Assigns a mentor to the worklet, then maybe promotes, deactivates and reactivates them. */
function assignMentor(h: History, worklet: WorkletRow, mentorId: number, index: number): AssignmentRow {
  const { rnd, people } = h;
  const actor = rnd.pick(people.adminIds);
  const role: MentorRole = index === 0 ? 'Primary' : rnd.chance(0.6) ? 'Secondary' : 'Collaborator';
  const assignedAt = new Date(worklet.createdAt.getTime() + rnd.int(1, 72) * 3_600_000);
  const a: AssignmentRow = {
    id: h.assignments.length + 1,
    mentorId,
    workletId: worklet.id,
    assignedAt,
    roleType: role,
    isActive: true,
    assignedBy: actor,
  };
  h.assignments.push(a);
  addEvent(h, a, 'assigned', actor, null, role, assignedAt);
  let at = assignedAt;
  if (role === 'Collaborator' && rnd.chance(0.25)) {
    at = new Date(at.getTime() + rnd.int(2, 20) * day);
    a.roleType = 'Secondary';
    addEvent(h, a, 'role_changed', rnd.pick(people.adminIds), 'Collaborator', 'Secondary', at);
  }
  if (people.leftMentors.has(mentorId) || rnd.chance(h.inactiveShare)) {
    at = new Date(at.getTime() + rnd.int(3, 40) * day);
    a.isActive = false;
    addEvent(h, a, 'deactivated', rnd.pick(people.adminIds), a.roleType, null, at);
    if (!people.leftMentors.has(mentorId) && rnd.chance(0.2)) {
      at = new Date(at.getTime() + rnd.int(1, 10) * day);
      a.isActive = true;
      addEvent(h, a, 'reactivated', rnd.pick(people.adminIds), null, a.roleType, at);
    }
  }
  return a;
}

/** Numbers the worklet's events 2, 3, ... in time order; its version is the last of them. */
function numberVersions(worklet: WorkletRow, events: EventRow[]) {
  const history = events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id - b.id);
  history.forEach((e, i) => {
    e.workletVersion = i + 2;
  });
  worklet.version = history.length + 1;
}

export function generateProgram(size: ProgramSize): Program {
  const rnd = new Random(size.seed ?? 20260202);
  const people = generatePeople(rnd, size);
  const worklets: WorkletRow[] = [];
  const h: History = { rnd, people, inactiveShare: size.inactiveShare ?? 0.1, assignments: [], events: [] };
  for (let w = 1; w <= size.worklets; w++) {
    const worklet = generateWorklet(rnd, w, size.worklets);
    worklets.push(worklet);
    // Some fresh drafts have nobody yet; everyone else has 1-4 mentors.
    const count = worklet.status === 'draft' && rnd.chance(0.4) ? 0 : rnd.int(1, 4);
    const chosen = rnd.sample(people.mentorIds.length, count).map((i) => people.mentorIds[i]!);
    const firstEvent = h.events.length;
    const mine = chosen.map((mentorId, index) => assignMentor(h, worklet, mentorId, index));
    const primary = mine.find((a) => a.isActive && a.roleType === 'Primary');
    worklet.mentorId = primary ? primary.mentorId : null;
    numberVersions(worklet, h.events.slice(firstEvent));
  }
  return { users: people.users, worklets, assignments: h.assignments, events: h.events };
}
