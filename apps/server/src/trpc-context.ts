/**
 * The context of each tRPC request: the signed-in user (from the session cookie) and the
 * API's rate limits, per user when signed in, else per IP; a batch counts once per call.
 */
import { TRPCError } from '@trpc/server';
import { createContextInner, type SessionUser } from '@worklets/api';
import type { PrismaClient } from '@worklets/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerConfig } from './config.ts';
import { databaseUnavailable, unavailableMessage } from './database-unavailable.ts';
import type { FailureLog } from './failure-log.ts';
import type { RateLimits } from './rate-limits.ts';
import type { ClientFor } from './read-routing.ts';
import { AmbiguousSessionError, type SessionEvent, type SessionResolver } from './session.ts';
import type { SessionEvents } from './session-events.ts';

/** The session's user and token, or null; failures as tRPC errors (two cookies 401, database down 503). */
async function resolveSession(sessions: SessionResolver, cookie: string | undefined) {
  try {
    return await sessions.resolve(cookie);
  } catch (error) {
    if (error instanceof AmbiguousSessionError) throw new TRPCError({ code: 'UNAUTHORIZED', message: error.message });
    if (databaseUnavailable(error))
      throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: unavailableMessage, cause: error });
    throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error });
  }
}

/** Seconds to wait when the request is over its limit (reads and writes counted apart), else null. */
async function rateLimitWait(limits: RateLimits, req: FastifyRequest, user: SessionUser | null) {
  const paths = ((req.params as { path?: string }).path ?? '').split(',');
  const calls = paths.length;
  const write = req.method === 'POST';
  // Guesses at the current password: a few a minute per user, on top of the write limit.
  const changes = paths.filter((p) => p === 'accounts.changePassword').length;
  if (user && changes > 0) {
    const wait = await limits.hit('changePassword', `user:${user.id}`, changes);
    if (wait !== null) return wait;
  }
  return user
    ? limits.hit(write ? 'writeUser' : 'readUser', `user:${user.id}`, calls)
    : limits.hit(write ? 'writeIp' : 'readIp', `ip:${req.ip}`, calls);
}

export function createTrpcContext(deps: {
  prisma: PrismaClient;
  /** With read replicas: the client for this request (read-routing.ts). */
  clientFor?: ClientFor | null;
  sessions: SessionResolver;
  limits: RateLimits;
  events: SessionEvents;
  logFailure: FailureLog;
  config: Pick<ServerConfig, 'publicUrl' | 'invitationHours'>;
}) {
  const { prisma, clientFor, sessions, limits, events, logFailure, config } = deps;
  const publish = (event: SessionEvent) =>
    void events.publish(event).catch((error: unknown) => logFailure('session events', error));
  return async ({ req, res }: { req: FastifyRequest; res: FastifyReply }) => {
    const session = await resolveSession(sessions, req.headers.cookie);
    const user = session?.user ?? null;
    req.user = user;
    const wait = await rateLimitWait(limits, req, user);
    if (wait !== null) {
      res.header('retry-after', String(wait));
      throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `Too many requests. Try again in ${wait} s.` });
    }
    return createContextInner({
      db: clientFor?.(req) ?? prisma,
      user,
      onUserChanged: (userId) => publish({ userId }),
      onSessionEnded: (token) => publish({ token }),
      sessionToken: session?.token ?? null,
      publicUrl: config.publicUrl,
      invitationHours: config.invitationHours,
    });
  };
}
