/**
 * The wire format of responses: superjson's format (clients decode with superjson), written
 * by a fast serializer for what our procedures return: plain objects, arrays, strings,
 * numbers, booleans, null and Dates. Anything else (Map, BigInt, NaN, class instances,
 * undefined values) goes to superjson itself. superjson's general walk cost about a fifth
 * of the server's CPU on a card page (apps/bench, --profile).
 */
import superjson from 'superjson';

type Serialized = { json: unknown; meta?: { values: Record<string, ['Date']> | ['Date']; v: 1 } };

class NotPlain extends Error {}

const escapeKey = (key: string) => key.replace(/\./g, '\\.');

function walk(value: unknown, path: string, dates: Record<string, ['Date']>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NotPlain();
    return value;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new NotPlain();
    dates[path] = ['Date'];
    return value.toISOString();
  }
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = walk(value[i], path === '' ? String(i) : `${path}.${i}`, dates);
    return out;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new NotPlain();
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined || key === '__proto__' || key.includes('\\')) throw new NotPlain();
      out[key] = walk(item, path === '' ? escapeKey(key) : `${path}.${escapeKey(key)}`, dates);
    }
    return out;
  }
  throw new NotPlain();
}

export function serialize(value: unknown): Serialized {
  if (value instanceof Date && !Number.isNaN(value.getTime()))
    return { json: value.toISOString(), meta: { values: ['Date'], v: 1 } };
  try {
    const dates: Record<string, ['Date']> = {};
    const json = walk(value, '', dates);
    return Object.keys(dates).length > 0 ? { json, meta: { values: dates, v: 1 } } : { json };
  } catch (error) {
    if (error instanceof NotPlain) return superjson.serialize(value) as Serialized;
    throw error;
  }
}

/** tRPC's transformer: superjson for inputs, the fast serializer for outputs. */
export const transformer = {
  input: superjson,
  output: { serialize, deserialize: (value: unknown) => superjson.deserialize(value as never) },
};
