/**
 * The tRPC endpoint (/api/trpc/:path).
 *
 * Plain calls (the dashboard's and other services' JSON calls: queries by GET, mutations by
 * POST, batched or not) are answered from tRPC's public building blocks (`callTRPCProcedure`,
 * `getTRPCErrorShape`, `transformTRPCResponse`, `getHTTPStatusCode`), exactly as
 * `resolveResponse` answers them, without its detour through WHATWG objects: the Node
 * request copied into a `Request` (whose AbortController is aborted, building a
 * DOMException, when every response closes) and the answer built as a `Response` and read
 * back. That detour was a fifth of the server's CPU on a single-row read (`pnpm bench
 * --profile`, 2026-12). Everything else (streaming `trpc-accept`, unknown or mismatched
 * procedures, input that does not parse, over-long batches, other content types) goes to
 * tRPC's `resolveResponse` (https://trpc.io/docs/server/adapters), which answers with its own
 * errors. trpc-route.test.ts sends the same calls both ways and compares the answers byte for
 * byte.
 *
 * Either way the answer is sent as one string with its Content-Length (not the streamed body
 * of tRPC's Fastify adapter, which Fastify sent chunked and @fastify/compress gzipped however
 * small); our links do not stream (httpBatchLink), so nothing is lost.
 */
import {
  type AnyTRPCProcedure,
  type AnyTRPCRouter,
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  type TRPCError,
  transformTRPCResponse,
} from '@trpc/server';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import { getHTTPStatusCode, resolveResponse } from '@trpc/server/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

type Context<Router extends AnyTRPCRouter> = Router['_def']['_config']['$types']['ctx'];

export type TrpcRouteOptions<Router extends AnyTRPCRouter> = {
  router: Router;
  maxBatchSize: number;
  createContext: (options: { req: FastifyRequest; res: FastifyReply }) => Promise<Context<Router>>;
  onError: (options: { error: TRPCError; path: string | undefined }) => void;
};

type Call = { path: string; input: unknown };
/** A plain request: its procedures' type, whether it is a batch, its calls with their inputs decoded. */
type PlainRequest = { type: 'query' | 'mutation'; batch: boolean; calls: Call[] };
type Answer = { status: number; headers: Iterable<[string, string]>; body: string };

/** The headers `resolveResponse` gives a JSON answer. */
const jsonHeaders: [string, string][] = [
  ['content-type', 'application/json'],
  ['vary', 'trpc-accept, accept'],
];

/** Query procedures by GET, mutations by POST. */
const procedureType = { GET: 'query', POST: 'mutation' } as const;

/**
 * The request as a plain one, or null when tRPC's own handler must answer (see the top of
 * this file): then nothing has been run.
 */
function plainRequest(router: AnyTRPCRouter, request: FastifyRequest, maxBatchSize: number): PlainRequest | null {
  const type = procedureType[request.method as keyof typeof procedureType];
  if (!type) return null;
  const { headers } = request;
  if (headers['trpc-accept'] !== undefined || headers.accept?.includes('application/jsonl')) return null;
  const query = request.query as Record<string, string | string[] | undefined>;
  if (query.connectionParams !== undefined) return null;
  const batch = query.batch === '1';
  const paths = batch
    ? (request.params as { path: string }).path.split(',')
    : [(request.params as { path: string }).path];
  if (paths.length > maxBatchSize) return null;
  const procedures = router._def.procedures as Record<string, AnyTRPCProcedure | undefined>;
  if (paths.some((path) => procedures[path]?._def.type !== type)) return null;

  let raw: string | undefined;
  if (type === 'query') {
    if (Array.isArray(query.input) || headers['content-type'] !== undefined) return null;
    raw = query.input || undefined;
  } else {
    if (typeof request.body !== 'string' || !request.body) return null;
    raw = request.body;
  }
  try {
    const inputs: unknown = raw === undefined ? undefined : JSON.parse(raw);
    const { deserialize } = router._def._config.transformer.input;
    if (!batch) {
      return {
        type,
        batch,
        calls: [{ path: paths[0]!, input: inputs === undefined ? undefined : deserialize(inputs) }],
      };
    }
    if (inputs !== undefined && (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs))) return null;
    const calls = paths.map((path, index) => {
      const input = (inputs as Record<number, unknown> | undefined)?.[index];
      return { path, input: input === undefined ? undefined : deserialize(input) };
    });
    return { type, batch, calls };
  } catch {
    return null;
  }
}

/** What `resolveResponse` answers for these calls (one context for all, a result or an error shape each). */
async function answerPlainCalls<Router extends AnyTRPCRouter>(
  options: TrpcRouteOptions<Router>,
  request: FastifyRequest,
  reply: FastifyReply,
  { type, batch, calls }: PlainRequest,
): Promise<Answer> {
  const { router, onError } = options;
  const config = router._def._config;
  let ctx: Context<Router> | undefined;
  let contextError: TRPCError | null = null;
  try {
    ctx = await options.createContext({ req: request, res: reply });
  } catch (cause) {
    contextError = getTRPCErrorFromUnknown(cause);
  }
  const results = await Promise.all(
    calls.map(async ({ path, input }, batchIndex) => {
      try {
        if (contextError) throw contextError;
        const data = await callTRPCProcedure({
          router,
          path,
          getRawInput: async () => input,
          ctx,
          type,
          signal: undefined,
          batchIndex,
        });
        return { result: { data } };
      } catch (cause) {
        const error = getTRPCErrorFromUnknown(cause);
        onError({ error, path });
        return { error: getTRPCErrorShape({ config, ctx, error, input, path, type }) };
      }
    }),
  );
  const untransformed = batch ? results : results[0]!;
  return {
    status: getHTTPStatusCode(untransformed),
    headers: jsonHeaders,
    body: JSON.stringify(transformTRPCResponse(config, untransformed)),
  };
}

/** tRPC's own handler, for everything that is not a plain call. */
async function answerThroughTrpc<Router extends AnyTRPCRouter>(
  options: TrpcRouteOptions<Router>,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Answer> {
  const incoming = request.raw as typeof request.raw & { body?: unknown };
  if (request.body !== undefined) incoming.body = request.body;
  const response = await resolveResponse({
    router: options.router,
    maxBatchSize: options.maxBatchSize,
    req: incomingMessageToRequest(incoming, reply.raw, { maxBodySize: null }),
    path: (request.params as { path: string }).path,
    error: null,
    createContext: () => options.createContext({ req: request, res: reply }),
    onError: ({ error, path }) => options.onError({ error, path }),
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

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
      const plain = plainRequest(options.router, request, options.maxBatchSize);
      const answer = plain
        ? await answerPlainCalls(options, request, reply, plain)
        : await answerThroughTrpc(options, request, reply);
      reply.code(answer.status);
      for (const [name, value] of answer.headers) reply.header(name, value);
      return reply.send(answer.body);
    });
  });
}
