/**
 * The public routes of one-time account links and "forgot password" (the web app's
 * /invite, /reset and /setup pages post the link's secret here; it never travels in a URL
 * a server logs):
 *   POST /api/account/accept  { token, password, name?, email? }: sets the password, uses the
 *     link up and signs the person in (better-auth's own sign-in makes the session cookie);
 *     any bad link is one 400 with one message, nothing said about the account.
 *   POST /api/account/forgot  { email }: the same 200 whether or not the address exists.
 * Both are limited per IP; "forgot" also per address.
 */
import { AccountLinkError, acceptAccountLink, FirstAdminDetailsMissing } from '@worklets/api/account-links';
import { requestPasswordReset } from '@worklets/api/forgot-password';
import type { Auth } from '@worklets/auth';
import type { PrismaClient } from '@worklets/db';
import { acceptAccountLinkInput, forgotPasswordInput } from '@worklets/validators/passwords';
import { fromNodeHeaders } from 'better-auth/node';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ServerConfig } from './config.ts';
import type { RateLimits } from './rate-limits.ts';
import type { refuse as Refuse } from './refuse.ts';
import type { SessionEvents } from './session-events.ts';

export const forgotPasswordAnswer =
  'If an active account uses this address, we have sent it a link to choose a new password.';

type Deps = {
  config: ServerConfig;
  prisma: PrismaClient;
  auth: Auth;
  limits: RateLimits;
  events: SessionEvents;
  refuse: typeof Refuse;
};

/** The first message of each field, and one line for the whole answer. */
function invalid(error: z.ZodError) {
  const first = error.issues[0];
  const field = first?.path[0];
  return { message: first?.message ?? 'Some fields are not valid.', field: typeof field === 'string' ? field : '' };
}

/** Signs the person in with better-auth (its session row and signed cookie), as the sign-in route does. */
async function signIn(deps: Deps, request: FastifyRequest, reply: FastifyReply, email: string, password: string) {
  const headers = fromNodeHeaders(request.headers);
  headers.delete('content-length');
  headers.delete('transfer-encoding');
  headers.delete('cookie');
  headers.set('x-worklets-client-ip', request.ip);
  const response = await deps.auth.api.signInEmail({ body: { email, password }, headers, asResponse: true });
  const setCookies = response.headers.getSetCookie();
  if (!response.ok || setCookies.length === 0) return false;
  reply.header('set-cookie', setCookies);
  return true;
}

export function mountAccountRoutes(app: FastifyInstance, deps: Deps) {
  const { config, prisma, limits, events, refuse } = deps;
  const tooMany = (request: FastifyRequest, reply: FastifyReply, seconds: number) =>
    refuse(request, reply.header('retry-after', String(seconds)), 429, `Too many requests. Try again in ${seconds} s.`);

  app.post('/api/account/accept', async (request, reply) => {
    const wait = await limits.hit('accountLink', `ip:${request.ip}`);
    if (wait !== null) return tooMany(request, reply, wait);
    const parsed = await acceptAccountLinkInput.safeParseAsync(request.body ?? {});
    if (!parsed.success) {
      const { message, field } = invalid(parsed.error);
      return refuse(request, reply, 400, message, field ? { field } : {});
    }
    try {
      const accepted = await acceptAccountLink(prisma, parsed.data);
      // Their other sessions are gone with the new password: end the cached ones everywhere.
      await events.publish({ userId: accepted.userId });
      const signedIn = await signIn(deps, request, reply, accepted.email, parsed.data.password);
      return reply.send({ ok: true, signedIn, purpose: accepted.purpose });
    } catch (error) {
      if (error instanceof AccountLinkError) return refuse(request, reply, 400, error.message, { reason: 'link' });
      if (error instanceof FirstAdminDetailsMissing) return refuse(request, reply, 400, error.message);
      throw error;
    }
  });

  app.post('/api/account/forgot', async (request, reply) => {
    const waitIp = await limits.hit('forgotPasswordIp', `ip:${request.ip}`);
    if (waitIp !== null) return tooMany(request, reply, waitIp);
    const parsed = await forgotPasswordInput.safeParseAsync(request.body ?? {});
    if (!parsed.success) return refuse(request, reply, 400, invalid(parsed.error).message, { field: 'email' });
    const waitAddress = await limits.hit('forgotPasswordAddress', `address:${parsed.data.email}`);
    if (waitAddress !== null) return tooMany(request, reply, waitAddress);
    // Answered before the work is done: an existing address takes no longer than an unknown one.
    void requestPasswordReset(prisma, parsed.data.email, { publicUrl: config.publicUrl }).catch((error: unknown) =>
      request.log.error({ err: error }, 'forgot password: the reset link was not made'),
    );
    return reply.send({ ok: true, message: forgotPasswordAnswer });
  });
}
