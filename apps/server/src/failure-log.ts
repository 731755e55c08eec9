/**
 * Logging failures that repeat (a database outage): one line per kind of failure per
 * interval, with the number of repeats left out since the last line, instead of a stack
 * trace per request.
 */
import type { FastifyBaseLogger } from 'fastify';

export type FailureLog = (source: string, error: unknown) => void;

/** A short, stable name for what went wrong: the driver's error code, or its first line without numbers. */
function failureKind(error: unknown): string {
  let deepest: unknown = error;
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) deepest = e;
  const code = (deepest as { code?: unknown }).code;
  if (typeof code === 'string' && code) return code;
  const text = deepest instanceof Error ? deepest.message : String(deepest);
  return (text.split('\n')[0] ?? '').replace(/\d+/g, 'N').slice(0, 80);
}

export function createFailureLog(
  log: FastifyBaseLogger,
  intervalMs = 10_000,
  now: () => number = Date.now,
): FailureLog {
  const last = new Map<string, { at: number; repeats: number }>();
  return (source, error) => {
    const kind = `${source}: ${failureKind(error)}`;
    const at = now();
    const entry = last.get(kind);
    if (entry && at - entry.at < intervalMs) {
      entry.repeats++;
      return;
    }
    if (last.size > 1_000) last.clear();
    last.set(kind, { at, repeats: 0 });
    log.warn({ kind, repeatsSinceLastLine: entry?.repeats ?? 0 }, `failure: ${kind}`);
  };
}
