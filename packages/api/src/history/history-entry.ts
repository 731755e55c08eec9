import type { Prisma } from '@worklets/db';

/** An event as the timeline shows it; names come from the snapshot taken when it happened. */
export const eventSelect = {
  id: true,
  type: true,
  oldRole: true,
  newRole: true,
  occurredAt: true,
  assignmentId: true,
  mentorId: true,
  mentorName: true,
  mentorEmail: true,
  actorId: true,
  actorName: true,
  worklet: { select: { id: true, title: true } },
} satisfies Prisma.AssignmentEventSelect;

export type EventRow = Prisma.AssignmentEventGetPayload<{ select: typeof eventSelect }>;

export function toHistoryEntry(row: EventRow) {
  const { worklet, ...rest } = row;
  return { ...rest, workletId: worklet.id, workletTitle: worklet.title };
}

export type HistoryEntry = ReturnType<typeof toHistoryEntry>;
