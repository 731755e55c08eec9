import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerConfig } from './config.ts';
import { refuse } from './refuse.ts';
import { isApi, isRestApi, normalisePath } from './request-paths.ts';
import { sessionCookies } from './session.ts';

const sessionsIn = (request: FastifyRequest) => sessionCookies(request.headers.cookie).length;

/** The one route that takes another body type: the CSV import (csv-import.ts), text/csv only. */
export const csvImportPath = '/api/import/assignments';

/** The media type of the request's body, without parameters, in lower case ('' when none is named). */
const contentTypeOf = (request: FastifyRequest) =>
  String(request.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();

/**
 * The `onRequest` hook that every request passes first: it sets `request.normalisedPath`
 * (400 when the URL does not parse), refuses writes from other origins (403) and any body
 * that is not JSON (415; text/csv on the CSV import only), and two session cookies on the API (401);
 * bearer tokens are for /api/v1 only (401 on the cookie paths), where no Origin is asked for (see rest-api.ts).
 */
export function requestGuard(config: Pick<ServerConfig, 'publicUrl' | 'trustedOrigins'>) {
  const allowedOrigins = new Set([
    new URL(config.publicUrl).origin,
    ...config.trustedOrigins.map((o) => new URL(o).origin),
  ]);

  return async (request: FastifyRequest, reply: FastifyReply) => {
    const path = normalisePath(request.url);
    if (path === null) return refuse(request, reply, 400, 'This URL is not valid.');
    request.normalisedPath = path;
    const method = request.method;
    // The REST API (rest-api.ts) takes bearer tokens only and never reads cookies, so a
    // cross-site request carries nothing it would accept: no Origin check there. The cookie
    // paths take no bearer tokens in turn.
    const rest = isRestApi(path);
    if (!rest && isApi(path) && /^bearer\b/i.test(request.headers.authorization ?? ''))
      return refuse(request, reply, 401, 'API tokens are accepted on /api/v1 only.');
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
      const origin = request.headers.origin;
      if (!rest && (!origin || !allowedOrigins.has(origin)))
        return refuse(request, reply, 403, 'Cross-site request refused: this request must come from the Worklets app.');
      // Checked here, before any body is read, and for every route: tRPC's Fastify plugin
      // registers a multipart parser of its own (cross-site forms can send multipart).
      const contentType = contentTypeOf(request);
      const hasBody =
        request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
      const csvUpload = path === csvImportPath && contentType === 'text/csv';
      if (contentType !== 'application/json' && !csvUpload && (contentType !== '' || hasBody))
        return refuse(request, reply, 415, 'Send JSON (content-type: application/json).');
    }
    if (isApi(path) && !rest && sessionsIn(request) > 1)
      return refuse(request, reply, 401, 'Two session cookies: sign in again.');
  };
}
