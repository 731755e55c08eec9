/**
 * Admins' API tokens for other services (the REST API at /api/v1): list, create (the secret
 * is returned this once and stored only hashed), revoke.
 */
import { apiTokenIdInput, createApiTokenInput } from '@worklets/validators/api-tokens';
import { notFound } from '../errors.ts';
import { adminProcedure, router } from '../trpc.ts';
import { newApiTokenSecret } from './api-token-secret.ts';

const dayMs = 86_400_000;

/** What the admin screen shows of a token: never its hash. */
const tokenSelect = {
  id: true,
  name: true,
  scope: true,
  createdAt: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
  createdBy: { select: { id: true, name: true } },
} as const;

export const apiTokensRouter = router({
  /** Every token, newest first (a program has a handful: no pages). */
  list: adminProcedure.query(({ ctx }) =>
    ctx.db.apiToken.findMany({ select: tokenSelect, orderBy: { id: 'desc' }, take: 500 }),
  ),

  create: adminProcedure.input(createApiTokenInput).mutation(async ({ ctx, input }) => {
    const { secret, hash } = newApiTokenSecret();
    const token = await ctx.db.apiToken.create({
      data: {
        name: input.name,
        scope: input.scope,
        tokenHash: hash,
        createdById: ctx.user.id,
        expiresAt: new Date(Date.now() + input.expiresInDays * dayMs),
      },
      select: tokenSelect,
    });
    return { token, secret };
  }),

  /** Revoking twice keeps the first revocation time. */
  revoke: adminProcedure.input(apiTokenIdInput).mutation(async ({ ctx, input }) => {
    const revoked = await ctx.db.apiToken.updateMany({
      where: { id: input.id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    const token = await ctx.db.apiToken.findUnique({ where: { id: input.id }, select: tokenSelect });
    if (!token) throw notFound('API token');
    return { token, revoked: revoked.count > 0 };
  }),
});
