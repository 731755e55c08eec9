/**
 * The signed-in user of a plain HTTP route that works with the session cookie like the
 * dashboard (the CSV exports and import), with the same checks as the tRPC context: no
 * session (or two) 401, not an admin where admins only 403, over the user's API limit 429.
 */
import type { SessionUser } from '@worklets/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimits } from './rate-limits.ts';
import type { refuse as refuseFn } from './refuse.ts';
import { AmbiguousSessionError, type SessionResolver } from './session.ts';

export type CookieRouteDeps = { sessions: SessionResolver; limits: RateLimits; refuse: typeof refuseFn };

/** The user, or undefined once a refusal is sent. `what` completes "Sign in to …" and "Only admins can …". */
export async function cookieRouteUser(
  deps: CookieRouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { what: string; adminOnly: boolean; limit: 'readUser' | 'writeUser' },
): Promise<SessionUser | undefined> {
  let user: SessionUser | null = null;
  try {
    user = (await deps.sessions.resolve(request.headers.cookie))?.user ?? null;
  } catch (error) {
    if (!(error instanceof AmbiguousSessionError)) throw error;
  }
  if (!user) {
    // Refused callers count against their address, like signed-out API calls.
    const wait = await deps.limits.hit(options.limit === 'writeUser' ? 'writeIp' : 'readIp', `ip:${request.ip}`);
    if (wait !== null) return void deps.refuse(request, reply, 429, `Too many requests. Try again in ${wait} s.`);
    return void deps.refuse(request, reply, 401, `Sign in to ${options.what}.`);
  }
  if (options.adminOnly && user.role !== 'admin')
    return void deps.refuse(request, reply, 403, `Only admins can ${options.what}.`);
  const wait = await deps.limits.hit(options.limit, `user:${user.id}`);
  if (wait !== null) return void deps.refuse(request, reply, 429, `Too many requests. Try again in ${wait} s.`);
  return user;
}
