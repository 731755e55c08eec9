import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { databaseUnavailable, unavailableMessage } from './database-unavailable.ts';
import type { FailureLog } from './failure-log.ts';
import { refuse } from './refuse.ts';

/**
 * Fastify's error handler: a client error (4xx) keeps its status and message, a busy or
 * unavailable database is 503, anything else is 500 with a reference that the log line carries.
 */
export function errorHandler(logFailure: FailureLog) {
  return (error: Error & { statusCode?: number }, request: FastifyRequest, reply: FastifyReply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return refuse(request, reply, status, error.message);
    if (databaseUnavailable(error)) {
      logFailure('host', error);
      return refuse(request, reply, 503, unavailableMessage);
    }
    const ref = randomUUID().slice(0, 8);
    request.log.error({ ref, err: error }, `error ref=${ref} ${request.method} ${request.routeOptions.url ?? '-'}`);
    return refuse(request, reply, 500, `Something went wrong (reference ${ref}).`, { ref });
  };
}
