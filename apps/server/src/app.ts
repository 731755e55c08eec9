/**
 * The HTTP host: sign-in routes, the tRPC API and the web app on one origin.
 * No business logic here; the defences that belong to HTTP do:
 *   - writes (any non-GET) must come from our own origin (CSRF): else 403;
 *   - only JSON bodies reach the API (no cross-site form or multipart posts): else 415;
 *   - body size and batch size limits (413 / 400); bodies must declare a Content-Length (411);
 *   - rate limits on sign-in (per IP) and on writes (per user and per IP): 429 + Retry-After.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { appRouter, createContextInner, errorLog, type SessionUser } from '@worklets/api';
import { toTRPCError } from '@worklets/api/errors';
import type { Auth } from '@worklets/auth';
import type { PrismaClient } from '@worklets/db';
import { toNodeHandler } from 'better-auth/node';
import type { ServerConfig } from './config.ts';
import { RateLimiter } from './rate-limit.ts';
import { createSessionResolver } from './session.ts';
import { createStaticHandler } from './static-files.ts';

type AppRequest = IncomingMessage & { worklets?: { user: SessionUser | null } };

export type AppOptions = {
  config: ServerConfig;
  prisma: PrismaClient;
  auth: Auth;
  log?: (line: string) => void;
};

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Whether a failure means the database is busy or down (retry later: 503), looking through
 * its causes too: better-auth wraps a failed session lookup in its own APIError.
 */
function databaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (toTRPCError(e).code === 'SERVICE_UNAVAILABLE') return true;
  }
  return false;
}

export function createApp({ config, prisma, auth, log = (line) => console.log(line) }: AppOptions) {
  const allowedOrigins = new Set([
    new URL(config.publicUrl).origin,
    ...config.trustedOrigins.map((o) => new URL(o).origin),
  ]);
  const signInLimiter = new RateLimiter(config.signInPerMinute);
  const userWriteLimiter = new RateLimiter(config.writesPerMinute);
  const ipWriteLimiter = new RateLimiter(config.writesPerMinute * 4);
  const authHandler = toNodeHandler(auth);
  const serveStatic = createStaticHandler(config.webDist);
  const sessions = createSessionResolver(auth, { ttlMs: config.sessionCacheMs });

  errorLog.write = (ref, error, path) => {
    const cause = error.cause ?? error;
    log(
      `error ref=${ref} path=${path ?? '-'} ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`,
    );
  };

  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: '/api/trpc/',
    maxBodySize: config.maxBodyBytes,
    maxBatchSize: config.maxBatchSize,
    createContext: ({ req }) =>
      createContextInner({
        db: prisma,
        user: (req as AppRequest).worklets?.user ?? null,
        onUserChanged: sessions.forgetUser,
      }),
  });

  const tooMany = (res: ServerResponse, seconds: number) =>
    sendJson(
      res,
      429,
      { error: { message: `Too many requests. Try again in ${seconds} s.`, code: 'TOO_MANY_REQUESTS' } },
      { 'retry-after': String(seconds) },
    );

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const ip = req.socket.remoteAddress ?? 'unknown';
    const isApi = url.startsWith('/api/');
    try {
      if (isApi && method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
        const origin = req.headers.origin;
        if (!origin || !allowedOrigins.has(origin)) {
          sendJson(res, 403, {
            error: {
              message: 'Cross-site request refused: this request must come from the Worklets app.',
              code: 'FORBIDDEN',
            },
          });
          return;
        }
        // A chunked body has no Content-Length to check against the limit below, and the
        // sign-in routes would read it whole: bodies must declare their length.
        if (req.headers['transfer-encoding'] !== undefined && req.headers['content-length'] === undefined) {
          sendJson(res, 411, {
            error: { message: 'Send the request body with a Content-Length.', code: 'LENGTH_REQUIRED' },
          });
          return;
        }
        const contentType = String(req.headers['content-type'] ?? '')
          .split(';')[0]!
          .trim()
          .toLowerCase();
        if (
          contentType !== 'application/json' &&
          !(contentType === '' && Number(req.headers['content-length'] ?? 0) === 0)
        ) {
          sendJson(res, 415, {
            error: { message: 'Send JSON (content-type: application/json).', code: 'UNSUPPORTED_MEDIA_TYPE' },
          });
          return;
        }
        const length = Number(req.headers['content-length'] ?? 0);
        if (length > config.maxBodyBytes) {
          sendJson(res, 413, { error: { message: 'Request body too large.', code: 'PAYLOAD_TOO_LARGE' } });
          return;
        }
      }

      if (url.startsWith('/api/auth/')) {
        if (method === 'POST' && url.startsWith('/api/auth/sign-in')) {
          const wait = signInLimiter.hit(`ip:${ip}`);
          if (wait !== null) return tooMany(res, wait);
        }
        if (url.startsWith('/api/auth/sign-out')) sessions.forgetCookie(req);
        // better-auth reads the client address from this header: set it from the socket.
        req.headers['x-worklets-client-ip'] = ip;
        await authHandler(req, res);
        return;
      }

      if (url.startsWith('/api/trpc/')) {
        const user = await sessions.resolve(req);
        (req as AppRequest).worklets = { user };
        if (method === 'POST') {
          const wait = (user ? userWriteLimiter.hit(`user:${user.id}`) : null) ?? ipWriteLimiter.hit(`ip:${ip}`);
          if (wait !== null) return tooMany(res, wait);
        }
        await trpcHandler(req, res);
        return;
      }

      if (url === '/healthz') return sendJson(res, 200, { ok: true });
      if (isApi) return sendJson(res, 404, { error: { message: 'Not found', code: 'NOT_FOUND' } });
      if (method !== 'GET' && method !== 'HEAD')
        return sendJson(res, 405, { error: { message: 'Method not allowed' } });
      await serveStatic(req, res);
    } catch (error) {
      const ref = randomUUID().slice(0, 8);
      log(
        `error ref=${ref} ${method} ${url} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      if (!res.headersSent) {
        const unavailable = databaseUnavailable(error);
        sendJson(res, unavailable ? 503 : 500, {
          error: {
            message: unavailable
              ? 'The database is busy or unavailable. Please try again.'
              : `Something went wrong (reference ${ref}).`,
            ref,
          },
        });
      } else {
        res.end();
      }
    }
  };
}
