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
import { mentorWorklets, workletMentors } from './assignment-reads.ts';
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
    const mentors = await workletMentors(ctx.db, ctx.user, input.workletId);
    if (!mentors) throw notFound('Worklet');
    return mentors;
  }),

  /** A mentor's active worklets with their role on each (the design's GET /mentor/{mentor_id}/worklets). */
  mentorWorklets: staffProcedure.input(mentorIdInput).query(async ({ ctx, input }) => {
    ensureSelfOrAdmin(ctx.user, input.mentorId);
    const worklets = await mentorWorklets(ctx.db, input.mentorId);
    if (!worklets) throw notFound('Mentor');
    return worklets;
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
