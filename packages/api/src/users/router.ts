import type { Prisma } from '@worklets/db';
import {
  createUserRequest,
  listUsersInput,
  setUserActiveInput,
  updateUserInput,
  userIdInput,
} from '@worklets/validators/users';
import { notFound } from '../errors.ts';
import { notificationProcedures } from '../mail/router.ts';
import { toPage } from '../pagination.ts';
import { nameOrEmailContains } from '../search-text.ts';
import { adminProcedure, authedProcedure, router } from '../trpc.ts';
import { restorableAssignments } from './reactivation-restore.ts';
import { createUser, setUserActive, updateUser, userSelect } from './user-writes.ts';

export const usersRouter = router({
  /** The signed-in user. */
  me: authedProcedure.query(({ ctx }) => ctx.user),

  list: adminProcedure.input(listUsersInput).query(async ({ ctx, input }) => {
    const where: Prisma.UserWhereInput = {
      ...(input.role ? { role: input.role } : {}),
      ...(input.includeInactive ? {} : { isActive: true }),
      ...nameOrEmailContains(input.search),
      ...(input.cursor ? { id: { gt: input.cursor } } : {}),
    };
    const rows = await ctx.db.user.findMany({
      where,
      select: userSelect,
      orderBy: { id: 'asc' },
      take: input.limit + 1,
    });
    return toPage(rows, input.limit, (user) => user);
  }),

  byId: adminProcedure.input(userIdInput).query(async ({ ctx, input }) => {
    const user = await ctx.db.user.findUnique({ where: { id: input.id }, select: userSelect });
    if (!user) throw notFound('User');
    return user;
  }),

  /** Idempotent: the same `idempotencyKey` from the same admin returns the first user. */
  create: adminProcedure
    .input(createUserRequest)
    .mutation(({ ctx, input }) => createUser(ctx.db, input, ctx.user, ctx.accountLinks)),
  update: adminProcedure.input(updateUserInput).mutation(async ({ ctx, input }) => {
    const user = await updateUser(ctx.db, input, ctx.user);
    ctx.onUserChanged(user.id);
    return user;
  }),
  /** The assignments the user's latest deactivation ended, and what restoring each would do now. */
  deactivationRestorable: adminProcedure
    .input(userIdInput)
    .query(({ ctx, input }) => restorableAssignments(ctx.db, input.id)),

  /** Reactivation may restore assignments of the latest deactivation (`restoreAssignmentIds`). */
  setActive: adminProcedure.input(setUserActiveInput).mutation(async ({ ctx, input }) => {
    const user = await setUserActive(ctx.db, input, ctx.user);
    ctx.onUserChanged(user.id);
    return user;
  }),

  /** `notifications`, `setNotifications`: the signed-in user's own mail switch (mail/router.ts). */
  ...notificationProcedures,
});
