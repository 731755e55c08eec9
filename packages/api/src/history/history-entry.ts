import type { Prisma } from '@worklets/db';

/** An event as the timeline shows it; names come from the snapshot taken when it happened. */
export const eventSelect = {
  id: true,
  type: true,
  oldRole: true,
  newRole: true,
  occurredAt: true,
  workletVersion: true,
  changedFields: true,
  /** Assigned over the mentor's capacity, confirmed by the coordinator (rule 5). */
  capacityOverride: true,
  assignmentId: true,
  mentorId: true,
  mentorName: true,
  mentorEmail: true,
  actorId: true,
  actorName: true,
  worklet: { select: { id: true, title: true } },
} satisfies Prisma.AssignmentEventSelect;

/**
 * History is in time order everywhere: newest first by time, then by id (events written
 * in one transaction share a time). Served by the (worklet_id, occurred_at, id) and
 * (mentor_id, occurred_at, id) indexes.
 */
export const newestFirst = [
  { occurredAt: 'desc' },
  { id: 'desc' },
] satisfies Prisma.AssignmentEventOrderByWithRelationInput[];

export type EventRow = Prisma.AssignmentEventGetPayload<{ select: typeof eventSelect }>;

export function toHistoryEntry(row: EventRow) {
  const { worklet, mentorName, mentorEmail, ...rest } = row;
  return {
    ...rest,
    // `worklet_updated` events concern no mentor: the table stores '' for their snapshots.
    mentorName: mentorName === '' ? null : mentorName,
    mentorEmail: mentorEmail === '' ? null : mentorEmail,
    workletId: worklet.id,
    workletTitle: worklet.title,
  };
}

export type HistoryEntry = ReturnType<typeof toHistoryEntry>;
