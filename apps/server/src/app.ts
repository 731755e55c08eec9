/**
 * The HTTP host (Fastify 5): sign-in routes, the tRPC API and the web app on one origin.
 * No business logic here; the defences that belong to HTTP do:
 *   - writes (any non-GET) must come from our own origin (CSRF): else 403 (request-guard.ts);
 *   - only JSON bodies reach the API (no cross-site form or multipart posts): else 415 (request-guard.ts);
 *   - body size (Fastify's bodyLimit: 413) and batch size (tRPC's maxBatchSize: 400);
 *   - rate limits (rate-limits.ts) on the normalised path: 429 + Retry-After;
 *   - one session cookie per request (session.ts): two are 401;
 *   - security headers (security-headers.ts), `Cache-Control: no-store` on API answers.
 * Errors that tRPC callers get from the host are shaped as tRPC's own (refuse.ts, trpc-errors.ts).
 * One log line a request (request-log.ts), never cookies or bodies.
 */
import compress from '@fastify/compress';
import type { TRPCError } from '@trpc/server';
import { appRouter, errorLog, linkKey, mailSite, type SessionUser } from '@worklets/api';
import type { Auth, AuthLog } from '@worklets/auth';
import type { PrismaClient } from '@worklets/db';
import Fastify from 'fastify';
import type pg from 'pg';
import { mountAccountRoutes } from './account-routes.ts';
import { mountAuthRoutes } from './auth-routes.ts';
import type { ServerConfig } from './config.ts';
import { mountCsvExports } from './csv-exports.ts';
import { mountCsvImport } from './csv-import.ts';
import { errorHandler } from './error-handler.ts';
import { createFailureLog } from './failure-log.ts';
import { fastifyOptions } from './fastify-options.ts';
import { startMailWorker } from './mail-worker.ts';
import { createRateLimits } from './rate-limits.ts';
import { registerReadRouting } from './read-routing.ts';
import { refuse } from './refuse.ts';
import { requestGuard } from './request-guard.ts';
import { isApi } from './request-paths.ts';
import { mountRestApi } from './rest-api.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { createSessionResolver } from './session.ts';
import { localSessionEvents, postgresSessionEvents } from './session-events.ts';
import { createTrpcContext } from './trpc-context.ts';
import { mountTrpcRoute } from './trpc-route.ts';
import { mountWebApp } from './web-app.ts';

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
  /** The client that sends reads to the read replicas (DATABASE_REPLICA_URLS); none: all on `prisma`. */
  replicaRouted?: PrismaClient | null;
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

/** The host, its hooks and routes in the order they apply; each defence is in its own file. */
export async function buildApp(options: AppOptions) {
  const { config, prisma, auth } = options;
  const app = Fastify(fastifyOptions(config, options.logStream));
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

  // Links in mail point at the public URL; the mail worker sends the outbox when SMTP is set.
  mailSite.publicUrl = config.publicUrl;
  mailSite.sending = config.mail !== null;
  mailSite.linkKey = config.mail ? linkKey(config.authSecret) : null;
  if (config.mail) {
    const worker = startMailWorker({
      prisma,
      ...config.mail,
      linkKey: mailSite.linkKey!,
      log: (message) => app.log.warn({ source: 'mail' }, message),
    });
    app.addHook('onClose', () => worker.stop());
  }

  errorLog.write = (ref, error, path) => {
    const cause = error.cause ?? error;
    app.log.error({ ref, path, err: cause }, `error ref=${ref} path=${path ?? '-'}`);
  };

  app.decorateRequest('normalisedPath', '');
  app.decorateRequest('user', null);

  await registerSecurityHeaders(app, { https: config.https });

  // gzip for browsers that take it (the web app's JavaScript above all); small answers as they are.
  await app.register(compress, { global: true, encodings: ['gzip'], threshold: 1_024 });

  // Only JSON bodies: Fastify answers 415 for any other type (text/plain included).
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', requestGuard(config));

  app.addHook('onSend', async (request, reply, payload) => {
    if (isApi(request.normalisedPath) || request.normalisedPath === '/healthz')
      reply.header('cache-control', 'no-store');
    return payload;
  });

  app.setErrorHandler(errorHandler(logFailure));

  const clientFor = options.replicaRouted
    ? registerReadRouting(app, {
        routed: options.replicaRouted,
        primary: prisma,
        windowMs: config.readYourWritesMs,
        secret: config.authSecret,
        https: config.https,
      })
    : null;

  mountAuthRoutes(app, { config, auth, limits, sessions, events, refuse });
  mountAccountRoutes(app, { config, prisma, auth, limits, events, refuse });

  await mountTrpcRoute(app, '/api/trpc', {
    router: appRouter,
    maxBatchSize: config.maxBatchSize,
    createContext: createTrpcContext({ prisma, clientFor, sessions, limits, events, logFailure, config }),
    onError({ error }: { error: TRPCError }) {
      if (error.code === 'SERVICE_UNAVAILABLE') logFailure('api', error.cause ?? error);
    },
  });

  mountCsvExports(app, { prisma, sessions, limits, refuse, logFailure });
  await mountCsvImport(app, { prisma, sessions, limits, refuse, logFailure });

  await mountRestApi(app, { prisma, limits, events, logFailure, publicUrl: config.publicUrl });

  app.get('/healthz', async () => ({ ok: true }));

  await mountWebApp(app, config.webDist);

  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
