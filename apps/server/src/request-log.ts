/**
 * The request log: one line a request, written when the answer is sent, through Fastify's
 * own hook for it (a LogController, https://fastify.dev/docs/latest/Reference/Logging/).
 * It names the route, never the URL with its query, and no header: no cookie, token or
 * password reaches the log.
 */
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override routeNotFound(): void {}

  override requestCompleted(_error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const procedures = request.normalisedPath?.startsWith('/api/trpc/')
      ? (request.params as { path?: string } | undefined)?.path
      : undefined;
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? '(none)',
        ...(procedures ? { procedures } : {}),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        user: request.user?.id ?? null,
      },
      'request',
    );
  }
}
