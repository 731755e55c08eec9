/**
 * Idempotency keys for creates: one key per form submission, so a double click, a second
 * Enter or a retry after a lost answer creates one row (the API returns the first result
 * for a key it has seen).
 */
import { useRef } from 'react';

/** A random (v4) UUID. `crypto.randomUUID` exists only on https and localhost; this works on any origin. */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Wraps a submit so that it runs once at a time, always with the key of the current
 * submission; the key changes only after a submission succeeded. A call while one is in
 * flight returns `undefined` without calling the server.
 */
export function useSubmitOnce<T>(run: (idempotencyKey: string) => Promise<T>): () => Promise<T | undefined> {
  const key = useRef(newIdempotencyKey());
  const inFlight = useRef(false);
  return async () => {
    if (inFlight.current) return undefined;
    inFlight.current = true;
    try {
      const result = await run(key.current);
      key.current = newIdempotencyKey();
      return result;
    } finally {
      inFlight.current = false;
    }
  };
}
