import {
  createWorkletInput,
  listWorkletsInput,
  updateWorkletInput,
  workletIdInput,
} from '@worklets/validators/worklets';
import { activeAssignmentSelect, mentorOrder, toWorkletMentor } from '../assignments/mentor-select.ts';
import { notFound } from '../errors.ts';
import { eventSelect, toHistoryEntry } from '../history/history-entry.ts';
import { toPage } from '../pagination.ts';
import { adminProcedure, authedProcedure, router } from '../trpc.ts';
import { listWorklets, workletFilters } from './list-worklets.ts';
import { visibleWorklets } from './worklet-scope.ts';

const historyPreview = 20;

export const workletsRouter = router({
  /** Cards: paginated, filtered, each with its active mentors. */
  list: authedProcedure.input(listWorkletsInput).query(({ ctx, input }) => listWorklets(ctx.db, ctx.user, input)),

  /** How many visible worklets need attention, for the dashboard's filter badges. */
  coverage: authedProcedure.query(async ({ ctx }) => {
    const scope = visibleWorklets(ctx.user);
    const open = { status: { in: ['draft', 'active'] as ('draft' | 'active')[] } };
    const [needsPrimary, noMentors] = await Promise.all([
      ctx.db.worklet.count({ where: { AND: [scope, open, ...workletFilters({ coverage: 'needs_primary' })] } }),
      ctx.db.worklet.count({ where: { AND: [scope, open, ...workletFilters({ coverage: 'no_mentors' })] } }),
    ]);
    return { needsPrimary, noMentors };
  }),

  /** Detail: active mentors, the legacy primary mentor, inactive assignments and recent history. */
  byId: authedProcedure.input(workletIdInput).query(async ({ ctx, input }) => {
    const staff = ctx.user.role !== 'student';
    const worklet = await ctx.db.worklet.findFirst({
      where: { AND: [{ id: input.workletId }, visibleWorklets(ctx.user)] },
      select: {
        id: true,
        title: true,
        description: true,
        status: true,
        createdAt: true,
        updatedAt: true,
        primaryMentor: { select: { id: true, name: true, email: true } },
        mentorAssignments: {
          where: staff ? {} : { isActive: true },
          select: { ...activeAssignmentSelect, isActive: true },
          orderBy: mentorOrder,
        },
        // The history and former mentors are for mentors and coordinators, not students.
        assignmentEvents: { select: eventSelect, orderBy: { id: 'desc' }, take: staff ? historyPreview + 1 : 0 },
      },
    });
    if (!worklet) throw notFound('Worklet');
    const { mentorAssignments, assignmentEvents, ...rest } = worklet;
    return {
      ...rest,
      legacyPrimaryMentor: worklet.primaryMentor,
      mentors: mentorAssignments.filter((a) => a.isActive).map(toWorkletMentor),
      inactiveMentors: mentorAssignments.filter((a) => !a.isActive).map(toWorkletMentor),
      history: toPage(assignmentEvents, historyPreview, toHistoryEntry),
    };
  }),

  create: adminProcedure
    .input(createWorkletInput)
    .mutation(({ ctx, input }) =>
      ctx.db.worklet.create({ data: input, select: { id: true, title: true, description: true, status: true } }),
    ),

  update: adminProcedure.input(updateWorkletInput).mutation(async ({ ctx, input }) => {
    const { id, ...data } = input;
    const updated = await ctx.db.worklet.updateManyAndReturn({
      where: { id },
      data,
      select: { id: true, title: true, description: true, status: true },
    });
    if (!updated[0]) throw notFound('Worklet');
    return updated[0];
  }),

  archive: adminProcedure.input(workletIdInput).mutation(async ({ ctx, input }) => {
    const updated = await ctx.db.worklet.updateManyAndReturn({
      where: { id: input.workletId },
      data: { status: 'archived' },
      select: { id: true, title: true, description: true, status: true },
    });
    if (!updated[0]) throw notFound('Worklet');
    return updated[0];
  }),
});
