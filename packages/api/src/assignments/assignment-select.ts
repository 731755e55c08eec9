import { Prisma } from '@worklets/db';

/** What the API shows of a mentor on an assignment: never more than this. */
const mentorSelect = { id: true, name: true, email: true } satisfies Prisma.UserSelect;

/** An active assignment as cards, the detail screen and pickers show it. */
export const activeAssignmentSelect = {
  id: true,
  roleType: true,
  assignedAt: true,
  mentor: { select: mentorSelect },
} satisfies Prisma.MentorWorkletAssignmentSelect;

/** Primary first, then Secondary, then Collaborator (enum order), oldest first within a role. */
export const mentorOrder = [
  { roleType: 'asc' },
  { assignedAt: 'asc' },
  { id: 'asc' },
] satisfies Prisma.MentorWorkletAssignmentOrderByWithRelationInput[];

/** `mentorOrder` in hand-written SQL, for assignments aliased `a`. */
export const mentorOrderSql = Prisma.sql`a.role_type, a.assigned_at, a.id`;

export type ActiveAssignmentRow = Prisma.MentorWorkletAssignmentGetPayload<{ select: typeof activeAssignmentSelect }>;

export function toWorkletMentor(row: ActiveAssignmentRow) {
  return {
    assignmentId: row.id,
    mentorId: row.mentor.id,
    name: row.mentor.name,
    email: row.mentor.email,
    role: row.roleType,
    assignedAt: row.assignedAt,
  };
}

export type WorkletMentor = ReturnType<typeof toWorkletMentor>;
