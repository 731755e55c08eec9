/**
 * Errors of the data layer that a person must act on (bad configuration, unreachable
 * server, failed migration). Their message is one line that names the problem; command
 * line entry points print it and exit non-zero instead of dumping a stack trace.
 */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
}

const connectionCodes: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
};

/** A one-line description when `error` is a failure to reach the server, else null. */
export function describeConnectionError(error: unknown): string | null {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const code = (e as { code?: string }).code;
    const message = e instanceof Error ? e.message : String(e);
    if (code && connectionCodes[code]) return `cannot reach the database server (${connectionCodes[code]})`;
    if (/Can't reach database server|Connection terminated|timeout expired/i.test(message)) {
      return `cannot reach the database server (${message.split('\n')[0]?.trim()})`;
    }
    if (code === '3D000' || /database .* does not exist/i.test(message))
      return `the database does not exist (${message.split('\n')[0]?.trim()})`;
    if (code === '28P01' || code === '28000' || /authentication failed/i.test(message))
      return 'the database server refused the credentials';
  }
  return null;
}
