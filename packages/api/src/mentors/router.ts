import { mentorIdInput } from '@worklets/validators/assignments';
import { listMentorsInput, searchMentorsInput } from '@worklets/validators/mentors';
import { badRequest, notFound } from '../errors.ts';
import { toPage } from '../pagination.ts';
import { nameOrEmailContains } from '../search-text.ts';
import { adminProcedure, router } from '../trpc.ts';

const activeWorkletCount = { _count: { select: { workletAssignments: { where: { isActive: true } } } } } as const;

export const mentorsRouter = router({
  /** The picker: active mentors whose name or email contains the query. */
  search: adminProcedure.input(searchMentorsInput).query(({ ctx, input }) =>
    ctx.db.user.findMany({
      where: { role: 'mentor', isActive: true, ...nameOrEmailContains(input.query) },
      select: { id: true, name: true, email: true },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      take: input.limit,
    }),
  ),

  /** Mentors with their number of active worklets, by name; keyset pagination on (name, id). */
  list: adminProcedure.input(listMentorsInput).query(async ({ ctx, input }) => {
    const after = input.cursor
      ? await ctx.db.user.findUnique({ where: { id: input.cursor }, select: { id: true, name: true } })
      : null;
    if (input.cursor && !after) throw badRequest('This list changed: start again from the first page.');
    const rows = await ctx.db.user.findMany({
      where: {
        AND: [
          { role: 'mentor' },
          nameOrEmailContains(input.search),
          ...(after ? [{ OR: [{ name: { gt: after.name } }, { name: after.name, id: { gt: after.id } }] }] : []),
        ],
      },
      select: { id: true, name: true, email: true, isActive: true, ...activeWorkletCount },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      take: input.limit + 1,
    });
    return toPage(rows, input.limit, ({ _count, ...m }) => ({ ...m, activeWorklets: _count.workletAssignments }));
  }),

  byId: adminProcedure.input(mentorIdInput).query(async ({ ctx, input }) => {
    const mentor = await ctx.db.user.findFirst({
      where: { id: input.mentorId, role: 'mentor' },
      select: { id: true, name: true, email: true, isActive: true, createdAt: true, ...activeWorkletCount },
    });
    if (!mentor) throw notFound('Mentor');
    const { _count, ...rest } = mentor;
    return { ...rest, activeWorklets: _count.workletAssignments };
  }),
});
