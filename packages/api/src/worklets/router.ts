import {
  createWorkletInput,
  listWorkletsInput,
  updateWorkletInput,
  workletIdInput,
  workletTableInput,
} from '@worklets/validators/worklets';
import { activeAssignmentSelect, mentorOrder, toWorkletMentor } from '../assignments/assignment-select.ts';
import { notFound } from '../errors.ts';
import { eventSelect, newestFirst, toHistoryEntry } from '../history/history-entry.ts';
import { countMentorsOverCapacity } from '../mentors/mentor-workload.ts';
import { toPage } from '../pagination.ts';
import { adminProcedure, authedProcedure, router } from '../trpc.ts';
import { coverageFilter, listWorklets } from './list-worklets.ts';
import { visibleWorklets } from './worklet-scope.ts';
import { workletTable } from './worklet-table.ts';
import { archiveWorklet, createWorklet, deleteWorklet, updateWorklet } from './worklet-writes.ts';

const historyPreview = 20;

export const workletsRouter = router({
  /** Cards: paginated, filtered, each with its active mentors. */
  list: authedProcedure.input(listWorkletsInput).query(({ ctx, input }) => listWorklets(ctx.db, ctx.user, input)),

  /** Table: the same filters, sorted by a column, keyset-paged, with the total of matching rows. */
  table: authedProcedure.input(workletTableInput).query(({ ctx, input }) => workletTable(ctx.db, ctx.user, input)),

  /**
   * How many visible worklets need attention, for the dashboard's filter badges: the same
   * definition as the list's coverage filters (`coverageFilter`), so a badge's count is
   * the number of cards its filter shows.
   */
  coverage: authedProcedure.query(async ({ ctx }) => {
    const scope = visibleWorklets(ctx.user);
    const [needsPrimary, noMentors, mentorsOverCapacity] = await Promise.all([
      ctx.db.worklet.count({ where: { AND: [scope, coverageFilter('needs_primary')] } }),
      ctx.db.worklet.count({ where: { AND: [scope, coverageFilter('no_mentors')] } }),
      // For admins only (others see no mentors list): the Mentors list's "over capacity" filter.
      ctx.user.role === 'admin' ? countMentorsOverCapacity(ctx.db) : null,
    ]);
    return { needsPrimary, noMentors, mentorsOverCapacity };
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
        version: true,
        createdAt: true,
        updatedAt: true,
        legacyMentor: { select: { id: true, name: true, email: true } },
        mentorAssignments: {
          where: staff ? {} : { isActive: true },
          select: { ...activeAssignmentSelect, isActive: true },
          orderBy: mentorOrder,
        },
        // The history and former mentors are for mentors and coordinators, not students.
        assignmentEvents: { select: eventSelect, orderBy: newestFirst, take: staff ? historyPreview + 1 : 0 },
      },
    });
    if (!worklet) throw notFound('Worklet');
    const { mentorAssignments, assignmentEvents, legacyMentor, ...rest } = worklet;
    return {
      ...rest,
      legacyPrimaryMentor: legacyMentor,
      mentors: mentorAssignments.filter((a) => a.isActive).map(toWorkletMentor),
      inactiveMentors: mentorAssignments.filter((a) => !a.isActive).map(toWorkletMentor),
      history: toPage(assignmentEvents, historyPreview, toHistoryEntry),
    };
  }),

  /** Idempotent: the same `idempotencyKey` from the same admin returns the first worklet. */
  create: adminProcedure.input(createWorkletInput).mutation(({ ctx, input }) => createWorklet(ctx.db, input, ctx.user)),

  /** Needs the `expectedVersion` the editor started from; stale: CONFLICT with `data.staleWrite`. */
  update: adminProcedure.input(updateWorkletInput).mutation(({ ctx, input }) => updateWorklet(ctx.db, input, ctx.user)),

  archive: adminProcedure
    .input(workletIdInput)
    .mutation(({ ctx, input }) => archiveWorklet(ctx.db, input.workletId, ctx.user)),

  /** Only a worklet without history beyond its creation (a duplicate); others are archived. */
  delete: adminProcedure.input(workletIdInput).mutation(({ ctx, input }) => deleteWorklet(ctx.db, input.workletId)),
});
