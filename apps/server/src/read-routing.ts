/**
 * Read-your-writes with read replicas: after a client's own write, its API reads go to the
 * primary for `windowMs` (WORKLETS_READ_YOUR_WRITES_MS), so a replica that lags behind
 * never shows someone the state from before their own change.
 *
 * Several processes may serve one browser, so the mark travels with the client: every
 * successful write request under /api (tRPC mutations, sign-in and sign-out, CSV import,
 * REST writes) answers with a short-lived cookie `worklets.rw=<until>.<HMAC>` (HttpOnly,
 * SameSite=Lax, Path=/api, signed with BETTER_AUTH_SECRET so that a client cannot pin
 * itself to the primary for longer than one window). Any process that gets the cookie back
 * reads from the primary until `until`. Clients without cookies (API tokens) are covered by
 * a per-process mark on their user id as well. No database round trip is needed to decide.
 * Write requests themselves (POST: tRPC mutations) always run on the primary.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from '@worklets/db';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isApi } from './request-paths.ts';

export const readYourWritesCookie = 'worklets.rw';

const readMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export type ReadRoutingOptions = {
  /** Reads on the replicas, everything else on the primary. */
  routed: PrismaClient;
  primary: PrismaClient;
  windowMs: number;
  secret: string;
  https: boolean;
};

function cookieValue(header: string | undefined): string | null {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === readYourWritesCookie) return value.join('=');
  }
  return null;
}

/**
 * Installs the hook that marks writers and returns, per request, the client its API calls
 * use: the primary while the request's client is inside its read-your-writes window.
 */
export function registerReadRouting(app: FastifyInstance, options: ReadRoutingOptions) {
  const { routed, primary, windowMs, secret, https } = options;
  const sign = (until: number) =>
    createHmac('sha256', secret).update(`${readYourWritesCookie}:${until}`).digest('base64url');
  const writers = new Map<number, number>();

  function pinnedByCookie(header: string | undefined, now: number): boolean {
    const [until, mac] = (cookieValue(header) ?? '').split('.');
    const at = Number(until);
    if (!until || !mac || !Number.isSafeInteger(at) || at <= now || at > now + windowMs + 1_000) return false;
    const expected = Buffer.from(sign(at));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  if (windowMs > 0)
    app.addHook('onSend', async (request, reply, payload) => {
      if (readMethods.has(request.method) || !isApi(request.normalisedPath) || reply.statusCode >= 400) return payload;
      const until = Date.now() + windowMs;
      const flags = `Path=/api; Max-Age=${Math.ceil(windowMs / 1_000)}; HttpOnly; SameSite=Lax${https ? '; Secure' : ''}`;
      reply.header('set-cookie', `${readYourWritesCookie}=${until}.${sign(until)}; ${flags}`);
      if (request.user) {
        if (writers.size > 10_000) for (const [id, at] of writers) if (at <= Date.now()) writers.delete(id);
        writers.set(request.user.id, until);
      }
      return payload;
    });

  return function clientFor(request: FastifyRequest): PrismaClient {
    // A write request (a mutation) runs wholly on the primary: reads that feed its writes too.
    if (!readMethods.has(request.method)) return primary;
    if (windowMs <= 0) return routed;
    const now = Date.now();
    const pinned =
      (request.user && (writers.get(request.user.id) ?? 0) > now) || pinnedByCookie(request.headers.cookie, now);
    return pinned ? primary : routed;
  };
}

export type ClientFor = ReturnType<typeof registerReadRouting>;
