import {
  assignMentorInput,
  assignmentIdInput,
  changeAssignmentRoleInput,
  mentorIdInput,
  reactivateAssignmentInput,
  setWorkletMentorsInput,
} from '@worklets/validators/assignments';
import { workletIdInput } from '@worklets/validators/worklets';
import { ensureSelfOrAdmin } from '../authorization.ts';
import { notFound } from '../errors.ts';
import { adminProcedure, authedProcedure, router, staffProcedure } from '../trpc.ts';
import { visibleWorklets } from '../worklets/worklet-scope.ts';
import { activeAssignmentSelect, mentorOrder, toWorkletMentor } from './assignment-select.ts';
import {
  assignMentor,
  changeAssignmentRole,
  deactivateAssignment,
  reactivateAssignment,
  setWorkletMentors,
} from './assignment-writes.ts';

export const assignmentsRouter = router({
  /** A worklet's active mentors, Primary first (the design's GET /{worklet_id}/mentors). */
  workletMentors: authedProcedure.input(workletIdInput).query(async ({ ctx, input }) => {
    const worklet = await ctx.db.worklet.findFirst({
      where: { AND: [{ id: input.workletId }, visibleWorklets(ctx.user)] },
      select: {
        mentorAssignments: { where: { isActive: true }, select: activeAssignmentSelect, orderBy: mentorOrder },
      },
    });
    if (!worklet) throw notFound('Worklet');
    return worklet.mentorAssignments.map(toWorkletMentor);
  }),

  /** A mentor's active worklets with their role on each (the design's GET /mentor/{mentor_id}/worklets). */
  mentorWorklets: staffProcedure.input(mentorIdInput).query(async ({ ctx, input }) => {
    ensureSelfOrAdmin(ctx.user, input.mentorId);
    const mentor = await ctx.db.user.findUnique({
      where: { id: input.mentorId },
      select: {
        workletAssignments: {
          where: { isActive: true },
          select: {
            id: true,
            roleType: true,
            assignedAt: true,
            worklet: { select: { id: true, title: true, status: true } },
          },
          orderBy: [{ roleType: 'asc' }, { workletId: 'desc' }],
        },
      },
    });
    if (!mentor) throw notFound('Mentor');
    return mentor.workletAssignments.map((a) => ({
      assignmentId: a.id,
      role: a.roleType,
      assignedAt: a.assignedAt,
      workletId: a.worklet.id,
      title: a.worklet.title,
      status: a.worklet.status,
    }));
  }),

  assign: adminProcedure.input(assignMentorInput).mutation(({ ctx, input }) => assignMentor(ctx.db, input, ctx.user)),
  setMentors: adminProcedure
    .input(setWorkletMentorsInput)
    .mutation(({ ctx, input }) => setWorkletMentors(ctx.db, input, ctx.user)),
  changeRole: adminProcedure
    .input(changeAssignmentRoleInput)
    .mutation(({ ctx, input }) => changeAssignmentRole(ctx.db, input, ctx.user)),
  deactivate: adminProcedure
    .input(assignmentIdInput)
    .mutation(({ ctx, input }) => deactivateAssignment(ctx.db, input.assignmentId, ctx.user)),
  reactivate: adminProcedure
    .input(reactivateAssignmentInput)
    .mutation(({ ctx, input }) => reactivateAssignment(ctx.db, input, ctx.user)),
});
