/**
 * The context of each tRPC request: the signed-in user (from the session cookie) and the
 * API's rate limits, per user when signed in, else per IP; a batch counts once per call.
 */
import { TRPCError } from '@trpc/server';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import { createContextInner, type SessionUser } from '@worklets/api';
import type { PrismaClient } from '@worklets/db';
import type { FastifyRequest } from 'fastify';
import { databaseUnavailable, unavailableMessage } from './database-unavailable.ts';
import type { FailureLog } from './failure-log.ts';
import type { RateLimits } from './rate-limits.ts';
import type { ClientFor } from './read-routing.ts';
import { AmbiguousSessionError, type SessionResolver } from './session.ts';
import type { SessionEvents } from './session-events.ts';

/** The session's user, or null; failures as tRPC errors (two cookies 401, database down 503). */
async function sessionUser(sessions: SessionResolver, cookie: string | undefined): Promise<SessionUser | null> {
  try {
    return (await sessions.resolve(cookie))?.user ?? null;
  } catch (error) {
    if (error instanceof AmbiguousSessionError) throw new TRPCError({ code: 'UNAUTHORIZED', message: error.message });
    if (databaseUnavailable(error))
      throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: unavailableMessage, cause: error });
    throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error });
  }
}

/** Seconds to wait when the request is over its limit (reads and writes counted apart), else null. */
function rateLimitWait(limits: RateLimits, req: FastifyRequest, user: SessionUser | null) {
  const calls = ((req.params as { path?: string }).path ?? '').split(',').length;
  const write = req.method === 'POST';
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
}) {
  const { prisma, clientFor, sessions, limits, events, logFailure } = deps;
  return async ({ req, res }: CreateFastifyContextOptions) => {
    const user = await sessionUser(sessions, req.headers.cookie);
    req.user = user;
    const wait = await rateLimitWait(limits, req, user);
    if (wait !== null) {
      res.header('retry-after', String(wait));
      throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `Too many requests. Try again in ${wait} s.` });
    }
    return createContextInner({
      db: clientFor?.(req) ?? prisma,
      user,
      onUserChanged: (userId) =>
        void events.publish({ userId }).catch((error: unknown) => logFailure('session events', error)),
    });
  };
}
