/**
 * The REST API for services in other languages: /api/v1, generated from the tRPC procedures
 * of @worklets/api/rest by trpc-to-openapi, its OpenAPI 3.1 document at /api/v1/openapi.json.
 *
 * Authentication is `Authorization: Bearer <API token>` only. Cookies are never read here,
 * so a browser's session cannot be used cross-site (no CSRF surface, hence no Origin check
 * on these paths: request-guard.ts), and the cookie paths refuse bearer tokens in turn.
 * Rate limits are the dashboard's (reads and writes counted apart), per token; calls
 * without a valid token are counted per IP.
 */
import { TRPCError } from '@trpc/server';
import { createContextInner } from '@worklets/api';
import { authenticateApiToken } from '@worklets/api/api-tokens';
import { restOpenApiDocument, restRouter } from '@worklets/api/rest';
import type { PrismaClient } from '@worklets/db';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type CreateOpenApiFastifyPluginOptions, fastifyTRPCOpenApiPlugin } from 'trpc-to-openapi';
import type { FailureLog } from './failure-log.ts';
import type { RateLimits } from './rate-limits.ts';
import type { SessionEvents } from './session-events.ts';

const restPrefix = '/api/v1';

type Deps = {
  prisma: PrismaClient;
  limits: RateLimits;
  events: SessionEvents;
  logFailure: FailureLog;
  publicUrl: string;
};

async function tooMany(limits: RateLimits, reply: FastifyReply, ...[limit, key]: Parameters<RateLimits['hit']>) {
  const wait = await limits.hit(limit, key);
  if (wait === null) return;
  reply.header('retry-after', String(wait));
  throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `Too many requests. Try again in ${wait} s.` });
}

function createRestContext({ prisma, limits, events, logFailure }: Deps) {
  return async ({ req, res }: { req: FastifyRequest; res: FastifyReply }) => {
    const write = req.method !== 'GET';
    let auth: Awaited<ReturnType<typeof authenticateApiToken>>;
    try {
      auth = await authenticateApiToken(prisma, req.headers.authorization);
    } catch (error) {
      // Guessing tokens costs from the caller's address's budget.
      await tooMany(limits, res, write ? 'writeIp' : 'readIp', `ip:${req.ip}`);
      throw error;
    }
    await tooMany(limits, res, write ? 'writeUser' : 'readUser', `token:${auth.apiToken.id}`);
    req.user = auth.user;
    return createContextInner({
      db: prisma,
      user: auth.user,
      apiToken: auth.apiToken,
      onUserChanged: (userId) =>
        void events.publish({ userId }).catch((error: unknown) => logFailure('session events', error)),
    });
  };
}

export async function mountRestApi(app: FastifyInstance, deps: Deps) {
  const document = restOpenApiDocument(`${deps.publicUrl}${restPrefix}`);
  app.get(`${restPrefix}/openapi.json`, async () => document);
  await app.register(fastifyTRPCOpenApiPlugin, {
    basePath: restPrefix,
    router: restRouter,
    createContext: createRestContext(deps),
    // RFC 6750: a 401 names the scheme it wants.
    responseMeta: ({ errors }: { errors: TRPCError[] }) =>
      errors[0]?.code === 'UNAUTHORIZED' ? { headers: { 'www-authenticate': 'Bearer realm="worklets"' } } : {},
    onError({ error }: { error: TRPCError }) {
      if (error.code === 'SERVICE_UNAVAILABLE') deps.logFailure('rest api', error.cause ?? error);
    },
  } satisfies CreateOpenApiFastifyPluginOptions<typeof restRouter>);
}
