import type { FastifyReply, FastifyRequest } from 'fastify';
import { isTrpc } from './request-paths.ts';
import { trpcCodeForStatus, trpcErrorResponse } from './trpc-errors.ts';

/** Refuses a request: tRPC-shaped on /api/trpc, `{ error: { message, code } }` elsewhere. */
export function refuse(
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
