/**
 * Mail procedures (issue 10): an admin's view of undelivered mail and "retry now", and every
 * user's own notification switch (mounted on the users router as `users.notifications` and
 * `users.setNotifications`).
 */
import { outboxMailIdInput, setNotificationsInput } from '@worklets/validators/mail';
import { notFound } from '../errors.ts';
import { adminProcedure, authedProcedure, router } from '../trpc.ts';

/** Mail still waiting this long (or that failed once) is shown as undelivered. */
const pendingTooLongMs = 5 * 60_000;
const undeliveredLimit = 200;

export const mailRouter = router({
  /**
   * Mail not sent yet that failed at least once or has waited a few minutes, oldest first;
   * the invitation links are on the users screen. One query, on the partial index of unsent mail.
   */
  undelivered: adminProcedure.query(async ({ ctx }) => {
    const before = new Date(Date.now() - pendingTooLongMs);
    const rows = await ctx.db.outboxMail.findMany({
      where: { sentAt: null, OR: [{ attempts: { gt: 0 } }, { createdAt: { lt: before } }] },
      select: {
        id: true,
        kind: true,
        toEmail: true,
        subject: true,
        attempts: true,
        lastError: true,
        nextAttemptAt: true,
        createdAt: true,
      },
      orderBy: { nextAttemptAt: 'asc' },
      take: undeliveredLimit + 1,
    });
    return { items: rows.slice(0, undeliveredLimit), more: rows.length > undeliveredLimit };
  }),

  /** Makes an unsent mail due now; the mail worker takes it on its next round. */
  retryNow: adminProcedure.input(outboxMailIdInput).mutation(async ({ ctx, input }) => {
    const { count } = await ctx.db.outboxMail.updateMany({
      where: { id: input.id, sentAt: null },
      data: { nextAttemptAt: new Date() },
    });
    if (count === 0) throw notFound('Undelivered mail');
    return { id: input.id };
  }),
});

export const notificationProcedures = {
  /** The signed-in user's notification switch. */
  notifications: authedProcedure.query(async ({ ctx }) => {
    const user = await ctx.db.user.findUnique({
      where: { id: ctx.user.id },
      select: { notificationsEnabled: true },
    });
    if (!user) throw notFound('User');
    return { enabled: user.notificationsEnabled };
  }),

  /** Turns the signed-in user's assignment notifications on or off (only their own). */
  setNotifications: authedProcedure.input(setNotificationsInput).mutation(async ({ ctx, input }) => {
    await ctx.db.user.update({
      where: { id: ctx.user.id },
      data: { notificationsEnabled: input.enabled },
      select: { id: true },
    });
    return { enabled: input.enabled };
  }),
};
