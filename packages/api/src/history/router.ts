import type { Prisma } from '@worklets/db';
import { mentorHistoryInput, workletHistoryInput } from '@worklets/validators/assignments';
import { TRPCError } from '@trpc/server';
import type { SessionUser } from '../context.ts';
import { notFound } from '../errors.ts';
import { router, staffProcedure } from '../trpc.ts';
import { visibleWorklets } from '../worklets/worklet-scope.ts';
import { eventSelect, toHistoryEntry } from './history-entry.ts';
import { toPage } from '../pagination.ts';

/** Who may read history: admins all of it, mentors that of the worklets they mentor. */
function historyScope(user: SessionUser): Prisma.AssignmentEventWhereInput {
  return { worklet: visibleWorklets(user) };
}

async function page(db: Prisma.TransactionClient, where: Prisma.AssignmentEventWhereInput, cursor: number | null | undefined, limit: number) {
  const rows = await db.assignmentEvent.findMany({
    where: { AND: [where, ...(cursor ? [{ id: { lt: cursor } }] : [])] },
    orderBy: { id: 'desc' },
    take: limit + 1,
    select: eventSelect,
  });
  return toPage(rows, limit, toHistoryEntry);
}

export const historyRouter = router({
  /** Every change to a worklet's mentors, newest first. */
  forWorklet: staffProcedure.input(workletHistoryInput).query(async ({ ctx, input }) => {
    const scope = historyScope(ctx.user);
    const visible = await ctx.db.worklet.findFirst({ where: { AND: [{ id: input.workletId }, visibleWorklets(ctx.user)] }, select: { id: true } });
    if (!visible) throw notFound('Worklet');
    return page(ctx.db, { AND: [scope, { workletId: input.workletId }] }, input.cursor, input.limit);
  }),

  /** Every change to one mentor's assignments, newest first. Mentors may read their own. */
  forMentor: staffProcedure.input(mentorHistoryInput).query(async ({ ctx, input }) => {
    if (ctx.user.role !== 'admin' && ctx.user.id !== input.mentorId) {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'You can only read your own history.' });
    }
    const mentor = await ctx.db.user.findUnique({ where: { id: input.mentorId }, select: { id: true } });
    if (!mentor) throw notFound('Mentor');
    return page(ctx.db, { mentorId: input.mentorId }, input.cursor, input.limit);
  }),
});
