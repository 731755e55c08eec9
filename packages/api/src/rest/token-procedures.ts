/**
 * The rungs of the REST API (/api/v1): every call comes with an API token (the server's
 * context puts its grant in `ctx.apiToken` and its owner in `ctx.user`). A `read` token may
 * call queries only; writes need `read_write`. What the owner may do is then decided by the
 * same procedures as the dashboard's (rest/router.ts calls them), so the rules are one set.
 */
import { TRPCError } from '@trpc/server';
import { publicProcedure } from '../trpc.ts';

export const tokenProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.apiToken || !ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Send an API token.' });
  return next({ ctx: { ...ctx, user: ctx.user, apiToken: ctx.apiToken } });
});

export const writeTokenProcedure = tokenProcedure.use(({ ctx, next }) => {
  if (ctx.apiToken.scope !== 'read_write')
    throw new TRPCError({ code: 'FORBIDDEN', message: 'This API token can only read.' });
  return next({ ctx });
});
