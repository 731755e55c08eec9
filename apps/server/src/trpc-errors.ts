/**
 * Errors the host itself answers on /api/trpc (refused origin, rate limit, body limits),
 * shaped exactly as tRPC shapes its own: the same error formatter and wire format, so the
 * tRPC client reads `code`, `httpStatus` and the message as for any other API error.
 */
import { TRPCError } from '@trpc/server';
import {
  getErrorShape,
  getHTTPStatusCodeFromError,
  transformTRPCResponse,
} from '@trpc/server/unstable-core-do-not-import';
import { appRouter } from '@worklets/api';

export type TRPCErrorCode = TRPCError['code'];

/** The status and JSON body tRPC would send for this error. */
export function trpcErrorResponse(code: TRPCErrorCode, message: string): { status: number; body: unknown } {
  const error = new TRPCError({ code, message });
  const config = appRouter._def._config;
  const shape = getErrorShape({ config, error, type: 'unknown', path: undefined, input: undefined, ctx: undefined });
  return { status: getHTTPStatusCodeFromError(error), body: transformTRPCResponse(config, { error: shape }) };
}

/** The tRPC code for an HTTP status the host answers with. */
export function trpcCodeForStatus(status: number): TRPCErrorCode {
  const codes: Record<number, TRPCErrorCode> = {
    400: 'BAD_REQUEST',
    401: 'UNAUTHORIZED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    405: 'METHOD_NOT_SUPPORTED',
    408: 'TIMEOUT',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
    429: 'TOO_MANY_REQUESTS',
    503: 'SERVICE_UNAVAILABLE',
  };
  return codes[status] ?? 'INTERNAL_SERVER_ERROR';
}
