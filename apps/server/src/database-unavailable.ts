import { toTRPCError } from '@worklets/api/errors';

export const unavailableMessage = 'The database is busy or unavailable. Please try again in a moment.';

/**
 * Whether a failure means the database is busy or down (retry later: 503), looking through
 * its causes too: better-auth wraps a failed session lookup in its own APIError.
 */
export function databaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (toTRPCError(e).code === 'SERVICE_UNAVAILABLE') return true;
  }
  return false;
}
