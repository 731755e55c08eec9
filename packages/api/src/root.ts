/**
 * The Worklets API: the router every client uses, and its types. Browsers and other
 * TypeScript services import only `type AppRouter` (no server code reaches a bundle).
 */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { accountsRouter } from './accounts/router.ts';
import { apiTokensRouter } from './api-tokens/router.ts';
import { assignmentsRouter } from './assignments/router.ts';
import { batchesRouter } from './batches/router.ts';
import { historyRouter } from './history/router.ts';
import { mailRouter } from './mail/router.ts';
import { mentorsRouter } from './mentors/router.ts';
import { settingsRouter } from './settings/router.ts';
import { createCallerFactory, publicProcedure, router } from './trpc.ts';
import { usersRouter } from './users/router.ts';
import { workletsRouter } from './worklets/router.ts';

export const appRouter = router({
  health: publicProcedure.query(async ({ ctx }) => {
    await ctx.db.$queryRaw`SELECT 1`;
    return { ok: true as const };
  }),
  worklets: workletsRouter,
  assignments: assignmentsRouter,
  mentors: mentorsRouter,
  history: historyRouter,
  users: usersRouter,
  batches: batchesRouter,
  apiTokens: apiTokensRouter,
  settings: settingsRouter,
  mail: mailRouter,
  accounts: accountsRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export const createCaller = createCallerFactory(appRouter);

export { type Context, createContextInner, type SessionUser } from './context.ts';
export { mailSite } from './mail/outbox.ts';
export { linkKey, openLink, withLink } from './mail/sealed-link.ts';
export { errorLog } from './trpc.ts';
