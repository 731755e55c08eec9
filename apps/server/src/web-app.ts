import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { refuse } from './refuse.ts';
import { isApi } from './request-paths.ts';

/**
 * The built web app (apps/web/dist) and the not-found handler: unknown API paths are 404,
 * other GETs get the web app's index.html (its client-side routes), other methods 405.
 */
export async function mountWebApp(app: FastifyInstance, webDist: string) {
  const webAvailable = existsSync(join(webDist, 'index.html'));
  if (webAvailable) {
    await app.register(fastifyStatic, {
      root: webDist,
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
}
