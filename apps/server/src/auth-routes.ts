/**
 * better-auth under /api/auth, mounted as its Fastify integration documents (a catch-all
 * route that hands a Fetch Request to `auth.handler`,
 * https://www.better-auth.com/docs/integrations/fastify), with the product's rules first:
 *   - decisions are made on the normalised path (what better-auth itself routes on), so
 *     `/api/auth/./sign-in/email` or `%2e/` cannot step around a limit;
 *   - only sign-in (email) and sign-out are served; everything else is 404;
 *   - every request is limited per IP, sign-in also per IP and per account;
 *   - sign-in bodies are validated here (bounded email and password);
 *   - sign-out ends the session's cache entry in every process once its row is gone.
 */
import { type Auth, authPaths } from '@worklets/auth';
import { fromNodeHeaders } from 'better-auth/node';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ServerConfig } from './config.ts';
import type { RateLimits } from './rate-limits.ts';
import { type SessionResolver, sessionCookies } from './session.ts';
import type { SessionEvents } from './session-events.ts';

const signInBody = z.strictObject({
  email: z.string().trim().max(254),
  password: z.string().min(1).max(128),
  rememberMe: z.boolean().optional(),
});

type Refuse = (
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  extra?: Record<string, string>,
) => FastifyReply;

export function mountAuthRoutes(
  app: FastifyInstance,
  deps: {
    config: ServerConfig;
    auth: Auth;
    limits: RateLimits;
    sessions: SessionResolver;
    events: SessionEvents;
    refuse: Refuse;
  },
) {
  const { config, auth, limits, sessions, events, refuse } = deps;
  const tooMany = (request: FastifyRequest, reply: FastifyReply, seconds: number) =>
    refuse(request, reply.header('retry-after', String(seconds)), 429, `Too many requests. Try again in ${seconds} s.`);

  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/api/auth/*',
    async handler(request, reply) {
      const ip = request.ip;
      const path = request.normalisedPath.slice('/api/auth'.length);
      const wait = await limits.hit('auth', `ip:${ip}`);
      if (wait !== null) return tooMany(request, reply, wait);
      const signIn = path === authPaths.signIn;
      const signOut = path === authPaths.signOut;
      if (request.method !== 'POST' || !(signIn || signOut)) return refuse(request, reply, 404, 'Not found');

      let body: unknown = request.body ?? {};
      if (signIn) {
        const parsed = signInBody.safeParse(body);
        if (!parsed.success)
          return refuse(request, reply, 400, 'Send an email and a password (at most 128 characters).');
        body = parsed.data;
        const account = parsed.data.email.toLowerCase();
        const waitIp = await limits.hit('signInIp', `ip:${ip}`);
        const waitAccount = await limits.hit('signInAccount', `account:${account}`);
        const longest = Math.max(waitIp ?? 0, waitAccount ?? 0);
        if (longest > 0) return tooMany(request, reply, longest);
      }

      const headers = fromNodeHeaders(request.headers);
      headers.delete('content-length');
      headers.delete('transfer-encoding');
      // better-auth reads the client address from this header: set it from Fastify's request.ip
      // (the socket, or X-Forwarded-For from a trusted proxy only), never from the client.
      headers.set('x-worklets-client-ip', ip);
      const response = await auth.handler(
        new Request(`${config.publicUrl}/api/auth${path}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
        }),
      );

      if (signOut && response.ok) {
        // The row is gone now: end the cache entry here and in every other process.
        const cookie = sessionCookies(request.headers.cookie).find((c) => c.name === sessions.cookieName);
        const token = cookie ? decodeURIComponent(cookie.value).split('.')[0] : undefined;
        if (token) await events.publish({ token });
      }

      reply.code(response.status);
      response.headers.forEach((value, key) => {
        if (key !== 'set-cookie' && key !== 'content-length') reply.header(key, value);
      });
      const setCookies = response.headers.getSetCookie();
      if (setCookies.length) reply.header('set-cookie', setCookies);
      return reply.send(response.body ? await response.text() : null);
    },
  });
}
