/**
 * The HTTP host (Fastify 5): sign-in routes, the tRPC API and the web app on one origin.
 * No business logic here; the defences that belong to HTTP do:
 *   - writes (any non-GET) must come from our own origin (CSRF): else 403;
 *   - only JSON bodies reach the API (no cross-site form or multipart posts): else 415;
 *   - body size (Fastify's bodyLimit: 413) and batch size (tRPC's maxBatchSize: 400);
 *   - rate limits (rate-limits.ts) on the normalised path: 429 + Retry-After;
 *   - one session cookie per request (session.ts): two are 401;
 *   - security headers (@fastify/helmet), `Cache-Control: no-store` on API answers.
 * Errors that tRPC callers get from the host are shaped as tRPC's own (trpc-errors.ts).
 * One log line a request (request-log.ts), never cookies or bodies.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import compress from '@fastify/compress';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import { TRPCError } from '@trpc/server';
import { type CreateFastifyContextOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import { appRouter, createContextInner, errorLog, type SessionUser } from '@worklets/api';
import { toTRPCError } from '@worklets/api/errors';
import type { Auth, AuthLog } from '@worklets/auth';
import type { PrismaClient } from '@worklets/db';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type pg from 'pg';
import { mountAuthRoutes } from './auth-routes.ts';
import type { ServerConfig } from './config.ts';
import { createFailureLog } from './failure-log.ts';
import { createRateLimits } from './rate-limits.ts';
import { RequestLog } from './request-log.ts';
import { AmbiguousSessionError, createSessionResolver, sessionCookies } from './session.ts';
import { localSessionEvents, postgresSessionEvents } from './session-events.ts';
import { trpcCodeForStatus, trpcErrorResponse } from './trpc-errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** better-auth's log lines: warnings and errors once per kind per interval (see failure-log.ts). */
    logAuth: AuthLog;
  }
  interface FastifyRequest {
    /** The request's path with `.`/`..` segments and percent-encoded dots resolved. */
    normalisedPath: string;
    user: SessionUser | null;
  }
}

export type AppOptions = {
  config: ServerConfig;
  prisma: PrismaClient;
  auth: Auth;
  /** A pool on the shared PostgreSQL database for the rate-limit counters; none: this process's memory. */
  rateLimitStore?: pg.Pool | null;
  /** Where to LISTEN for sessions ended by other processes; none: this process only (embedded database). */
  sessionEventsUrl?: string | null;
  /** Keeps the counters of this server apart from others on the same database (tests). */
  rateLimitNamespace?: string;
  /** Where log lines (JSON, one a line) go; default standard output. */
  logStream?: { write(line: string): void };
};

const unavailableMessage = 'The database is busy or unavailable. Please try again in a moment.';

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

/** The path as the URL standard resolves it (what better-auth routes on), or null when it does not parse. */
function normalisePath(url: string): string | null {
  try {
    return new URL(url, 'http://host.invalid').pathname;
  } catch {
    return null;
  }
}

const isApi = (path: string) => path === '/api' || path.startsWith('/api/');
const isTrpc = (path: string) => path.startsWith('/api/trpc/');

export async function buildApp(options: AppOptions) {
  const { config, prisma, auth } = options;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(options.logStream ? { stream: options.logStream } : {}),
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
    },
    logController: new RequestLog(),
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    bodyLimit: config.maxBodyBytes,
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    genReqId: () => randomUUID().slice(0, 8),
    // A batch names its procedures in one path segment: `worklets.create,worklets.create,...`.
    routerOptions: { maxParamLength: 2_000 },
  });
  const logFailure = createFailureLog(app.log);
  const sessions = createSessionResolver(auth, { https: config.https, ttlMs: config.sessionCacheMs });
  const events = options.sessionEventsUrl
    ? await postgresSessionEvents({ connectionString: options.sessionEventsUrl, prisma, sessions, logFailure })
    : localSessionEvents(sessions);
  const limits = await createRateLimits({
    config,
    store: options.rateLimitStore ?? null,
    namespace: options.rateLimitNamespace,
    logFailure,
  });
  app.addHook('onClose', async () => events.close());
  app.decorate('logAuth', ((level, message) => {
    if (level === 'warn' || level === 'error') logFailure('auth', new Error(message));
    else app.log.debug({ source: 'auth' }, message);
  }) satisfies AuthLog);

  errorLog.write = (ref, error, path) => {
    const cause = error.cause ?? error;
    app.log.error({ ref, path, err: cause }, `error ref=${ref} path=${path ?? '-'}`);
  };

  const allowedOrigins = new Set([
    new URL(config.publicUrl).origin,
    ...config.trustedOrigins.map((o) => new URL(o).origin),
  ]);

  /** Refuses a request: tRPC-shaped on /api/trpc, `{ error: { message, code } }` elsewhere. */
  function refuse(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    message: string,
    extra: Record<string, string> = {},
  ) {
    const code = trpcCodeForStatus(status);
    reply.code(status).header('cache-control', 'no-store');
    if (isTrpc(request.normalisedPath ?? '')) return reply.send(trpcErrorResponse(code, message).body);
    return reply.send({ error: { message, code, ...extra } });
  }

  const sessionsIn = (request: FastifyRequest) => sessionCookies(request.headers.cookie).length;

  app.decorateRequest('normalisedPath', '');
  app.decorateRequest('user', null);

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
      },
    },
    hsts: config.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });

  // gzip for browsers that take it (the web app's JavaScript above all); small answers as they are.
  await app.register(compress, { global: true, encodings: ['gzip'], threshold: 1_024 });

  // Only JSON bodies: Fastify answers 415 for any other type (text/plain included).
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', async (request, reply) => {
    const path = normalisePath(request.url);
    if (path === null) return refuse(request, reply, 400, 'This URL is not valid.');
    request.normalisedPath = path;
    const method = request.method;
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
      const origin = request.headers.origin;
      if (!origin || !allowedOrigins.has(origin))
        return refuse(request, reply, 403, 'Cross-site request refused: this request must come from the Worklets app.');
      // Checked here, before any body is read, and for every route: tRPC's Fastify plugin
      // registers a multipart parser of its own (cross-site forms can send multipart).
      const contentType = String(request.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim()
        .toLowerCase();
      const hasBody =
        request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
      if (contentType !== 'application/json' && (contentType !== '' || hasBody))
        return refuse(request, reply, 415, 'Send JSON (content-type: application/json).');
    }
    if (isApi(path) && sessionsIn(request) > 1)
      return refuse(request, reply, 401, 'Two session cookies: sign in again.');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (isApi(request.normalisedPath) || request.normalisedPath === '/healthz')
      reply.header('cache-control', 'no-store');
    return payload;
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return refuse(request, reply, status, error.message);
    if (databaseUnavailable(error)) {
      logFailure('host', error);
      return refuse(request, reply, 503, unavailableMessage);
    }
    const ref = randomUUID().slice(0, 8);
    request.log.error({ ref, err: error }, `error ref=${ref} ${request.method} ${request.routeOptions.url ?? '-'}`);
    return refuse(request, reply, 500, `Something went wrong (reference ${ref}).`, { ref });
  });

  mountAuthRoutes(app, { config, auth, limits, sessions, events, refuse });

  await app.register(fastifyTRPCPlugin, {
    prefix: '/api/trpc',
    trpcOptions: {
      router: appRouter,
      maxBatchSize: config.maxBatchSize,
      async createContext({ req, res }: CreateFastifyContextOptions) {
        let user: SessionUser | null = null;
        try {
          user = (await sessions.resolve(req.headers.cookie))?.user ?? null;
        } catch (error) {
          if (error instanceof AmbiguousSessionError)
            throw new TRPCError({ code: 'UNAUTHORIZED', message: error.message });
          if (databaseUnavailable(error))
            throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: unavailableMessage, cause: error });
          throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error });
        }
        req.user = user;
        const calls = ((req.params as { path?: string }).path ?? '').split(',').length;
        const write = req.method === 'POST';
        const wait = user
          ? await limits.hit(write ? 'writeUser' : 'readUser', `user:${user.id}`, calls)
          : await limits.hit(write ? 'writeIp' : 'readIp', `ip:${req.ip}`, calls);
        if (wait !== null) {
          res.header('retry-after', String(wait));
          throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `Too many requests. Try again in ${wait} s.` });
        }
        return createContextInner({
          db: prisma,
          user,
          onUserChanged: (userId) =>
            void events.publish({ userId }).catch((error: unknown) => logFailure('session events', error)),
        });
      },
      onError({ error }: { error: TRPCError }) {
        if (error.code === 'SERVICE_UNAVAILABLE') logFailure('api', error.cause ?? error);
      },
    },
  });

  app.get('/healthz', async () => ({ ok: true }));

  const webAvailable = existsSync(join(config.webDist, 'index.html'));
  if (webAvailable) {
    await app.register(fastifyStatic, {
      root: config.webDist,
      // One route per built file, found once at start: no file-system look-up to route a request.
      wildcard: false,
      cacheControl: false,
      setHeaders(reply, filePath) {
        const immutable = filePath.includes('/assets/');
        reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }

  app.setNotFoundHandler(async (request, reply) => {
    if (isApi(request.normalisedPath)) return refuse(request, reply, 404, 'Not found');
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(request, reply, 405, 'Method not allowed');
    if (!webAvailable)
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The web app is not built. Run: pnpm --filter @worklets/web build');
    // Client-side routes of the web app.
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });

  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
