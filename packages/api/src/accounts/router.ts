import { changePasswordInput, sessionIdInput } from '@worklets/validators/passwords';
import { userIdInput } from '@worklets/validators/users';
import { adminProcedure, authedProcedure, router } from '../trpc.ts';
import { sendAccountLinkTo } from './admin-links.ts';
import { changeOwnPassword, endOtherOwnSessions, endOwnSession, listOwnSessions } from './own-account.ts';

export const accountsRouter = router({
  /** A new invitation link for the user (the old one dies); also emailed when mail is set up. */
  resendInvitation: adminProcedure
    .input(userIdInput)
    .mutation(({ ctx, input }) => sendAccountLinkTo(ctx.db, input.id, 'invitation', ctx.user, ctx.accountLinks)),
  /** A password-reset link for the user (older links die); also emailed when mail is set up. */
  resetPassword: adminProcedure
    .input(userIdInput)
    .mutation(({ ctx, input }) => sendAccountLinkTo(ctx.db, input.id, 'password_reset', ctx.user, ctx.accountLinks)),

  /** The signed-in user's own password: the current one required; their other sessions end. */
  changePassword: authedProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    const result = await changeOwnPassword(ctx.db, ctx.user.id, input, ctx.sessionToken);
    ctx.onUserChanged(ctx.user.id);
    return result;
  }),
  sessions: authedProcedure.query(({ ctx }) => listOwnSessions(ctx.db, ctx.user.id, ctx.sessionToken)),
  endSession: authedProcedure.input(sessionIdInput).mutation(async ({ ctx, input }) => {
    const token = await endOwnSession(ctx.db, ctx.user.id, input.id);
    ctx.onSessionEnded(token);
    return { ended: true };
  }),
  endOtherSessions: authedProcedure.mutation(async ({ ctx }) => {
    const result = await endOtherOwnSessions(ctx.db, ctx.user.id, ctx.sessionToken);
    ctx.onUserChanged(ctx.user.id);
    return result;
  }),
});
