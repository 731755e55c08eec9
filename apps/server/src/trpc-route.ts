/**
 * The tRPC endpoint (/api/trpc/:path), from tRPC's own building blocks for adapters
 * (`incomingMessageToRequest`, `resolveResponse`: https://trpc.io/docs/server/adapters),
 * as `@trpc/server/adapters/fastify` does, with one difference: the answer is sent as one
 * string with its Content-Length, not as the Response's body stream. Fastify streamed that
 * body in chunked encoding (one socket write of several buffers per answer, 30% of the
 * server's CPU on a single-row read in `pnpm bench --profile`), and @fastify/compress
 * gzipped every streamed answer, however small; now answers under its threshold go as they
 * are. Our links are not streaming (httpBatchLink), so nothing is lost by reading it whole.
 */
import type { AnyTRPCRouter } from '@trpc/server';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import { type HTTPErrorHandler, resolveResponse } from '@trpc/server/http';
import type { FastifyInstance } from 'fastify';

export type TrpcRouteOptions<Router extends AnyTRPCRouter> = {
  router: Router;
  maxBatchSize: number;
  createContext: (options: CreateFastifyContextOptions) => Promise<Router['_def']['_config']['$types']['ctx']>;
  onError: HTTPErrorHandler<Router, unknown>;
};

export async function mountTrpcRoute<Router extends AnyTRPCRouter>(
  app: FastifyInstance,
  prefix: string,
  options: TrpcRouteOptions<Router>,
) {
  await app.register(async (scope) => {
    // tRPC parses the body itself: hand it the text (as the Fastify adapter does).
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.all(`${prefix}/:path`, async (request, reply) => {
      const incoming = request.raw as typeof request.raw & { body?: unknown };
      if (request.body !== undefined) incoming.body = request.body;
      const response = await resolveResponse({
        router: options.router,
        maxBatchSize: options.maxBatchSize,
        req: incomingMessageToRequest(incoming, reply.raw, { maxBodySize: null }),
        path: (request.params as { path: string }).path,
        error: null,
        createContext: ({ info }) => options.createContext({ req: request, res: reply, info }),
        onError: options.onError,
      });
      reply.code(response.status);
      for (const [name, value] of response.headers) reply.header(name, value);
      return reply.send(await response.text());
    });
  });
}
