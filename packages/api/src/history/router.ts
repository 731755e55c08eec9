import type { Prisma } from '@worklets/db';
import { auditLogInput, mentorHistoryInput, workletHistoryInput } from '@worklets/validators/assignments';
import type { z } from 'zod';
import { ensureSelfOrAdmin } from '../authorization.ts';
import { badRequest, notFound } from '../errors.ts';
import { toPage } from '../pagination.ts';
import { adminProcedure, router, staffProcedure } from '../trpc.ts';
import { visibleWorklets } from '../worklets/worklet-scope.ts';
import { eventSelect, newestFirst, toHistoryEntry } from './history-entry.ts';

/** One page of history, newest first by (time, id); the cursor is the last event shown. */
async function page(
  db: Prisma.TransactionClient,
  where: Prisma.AssignmentEventWhereInput,
  cursor: number | null | undefined,
  limit: number,
) {
  const after = cursor
    ? await db.assignmentEvent.findUnique({ where: { id: cursor }, select: { id: true, occurredAt: true } })
    : null;
  if (cursor && !after) throw badRequest('This history changed: start again from the newest entry.');
  const rows = await db.assignmentEvent.findMany({
    where: {
      AND: [
        where,
        ...(after
          ? [{ OR: [{ occurredAt: { lt: after.occurredAt } }, { occurredAt: after.occurredAt, id: { lt: after.id } }] }]
          : []),
      ],
    },
    orderBy: newestFirst,
    take: limit + 1,
    select: eventSelect,
  });
  return toPage(rows, limit, toHistoryEntry);
}

/** The audit log's filters as one `where` (the screen's and the CSV export's); a filter left out matches every event. */
export function auditLogWhere(
  input: Pick<z.output<typeof auditLogInput>, 'actorId' | 'mentorId' | 'workletId' | 'types' | 'from' | 'to'>,
): Prisma.AssignmentEventWhereInput {
  return {
    actorId: input.actorId,
    mentorId: input.mentorId,
    workletId: input.workletId,
    type: input.types?.length ? { in: input.types } : undefined,
    occurredAt: input.from || input.to ? { gte: input.from, lte: input.to } : undefined,
  };
}

export const historyRouter = router({
  /** The program-wide audit log, newest first, filtered by actor, mentor, worklet, type and dates. */
  list: adminProcedure
    .input(auditLogInput)
    .query(({ ctx, input }) => page(ctx.db, auditLogWhere(input), input.cursor, input.limit)),

  /** Every change to a worklet's mentors, newest first: admins any worklet, mentors those they mentor. */
  forWorklet: staffProcedure.input(workletHistoryInput).query(async ({ ctx, input }) => {
    const visible = await ctx.db.worklet.findFirst({
      where: { AND: [{ id: input.workletId }, visibleWorklets(ctx.user)] },
      select: { id: true },
    });
    if (!visible) throw notFound('Worklet');
    return page(ctx.db, { workletId: input.workletId }, input.cursor, input.limit);
  }),

  /** Every change to one mentor's assignments, newest first. Mentors may read their own. */
  forMentor: staffProcedure.input(mentorHistoryInput).query(async ({ ctx, input }) => {
    ensureSelfOrAdmin(ctx.user, input.mentorId);
    const mentor = await ctx.db.user.findUnique({ where: { id: input.mentorId }, select: { id: true } });
    if (!mentor) throw notFound('Mentor');
    return page(ctx.db, { mentorId: input.mentorId }, input.cursor, input.limit);
  }),
});
