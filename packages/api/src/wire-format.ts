/**
 * The wire format of responses: superjson's format (clients decode with superjson), written
 * by a fast serializer for what our procedures return: plain objects, arrays, strings,
 * numbers, booleans, null and Dates. Anything else (Map, BigInt, NaN, class instances,
 * undefined values) goes to superjson itself. superjson's general walk cost about a fifth
 * of the server's CPU on a card page (apps/bench, --profile).
 */
import { TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z } from 'zod';

type Serialized = { json: unknown; meta?: { values: Record<string, ['Date']> | ['Date']; v: 1 } };

class NotPlain extends Error {}

const escapeKey = (key: string) => (key.includes('.') ? key.replace(/\./g, '\\.') : key);

/**
 * The walk keeps the path as a stack of keys and joins it only where a Date is (superjson's
 * meta names each Date's path): building a path string for every value cost as much as the
 * rest of the walk on a card page.
 */
function walk(value: unknown, path: string[], dates: Record<string, ['Date']>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NotPlain();
    return value;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new NotPlain();
    dates[path.join('.')] = ['Date'];
    return value.toISOString();
  }
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      path.push(String(i));
      out[i] = walk(value[i], path, dates);
      path.pop();
    }
    return out;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new NotPlain();
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined || key === '__proto__' || key.includes('\\')) throw new NotPlain();
      path.push(escapeKey(key));
      out[key] = walk(item, path, dates);
      path.pop();
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
    const json = walk(value, [], dates);
    return Object.keys(dates).length > 0 ? { json, meta: { values: dates, v: 1 } } : { json };
  } catch (error) {
    if (error instanceof NotPlain) return superjson.serialize(value) as Serialized;
    throw error;
  }
}

/** Keys that could reach an object's prototype: refused in inputs like any unknown key. */
const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** The first forbidden key anywhere in `value`, or null. */
function findForbiddenKey(value: unknown): string | null {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findForbiddenKey(item);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (forbiddenKeys.has(key)) return key;
      const found = findForbiddenKey((value as Record<string, unknown>)[key]);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Inputs: superjson, after a check of the raw JSON. superjson (and any object spread) drops
 * an own `__proto__` key before zod sees the input, so a strict schema could not refuse it:
 * `__proto__`, `constructor` and `prototype` keys anywhere are refused here, as BAD_REQUEST
 * with the same zod issue ("unrecognized_keys") a strict object gives for other unknown keys.
 */
function deserializeInput(raw: unknown): unknown {
  const json = raw !== null && typeof raw === 'object' && 'json' in raw ? (raw as { json: unknown }).json : raw;
  const key = findForbiddenKey(json);
  if (key) {
    // The issue zod itself reports for an unknown key (an own property, so zod sees it).
    const own = Object.defineProperty({}, key, { value: true, enumerable: true });
    const cause = z.strictObject({}).safeParse(own).error;
    throw new TRPCError({ code: 'BAD_REQUEST', message: `Unrecognized key: "${key}"`, cause });
  }
  return superjson.deserialize(raw as never);
}

/** tRPC's transformer: superjson for inputs (checked, above), the fast serializer for outputs. */
export const transformer = {
  input: { serialize: (value: unknown) => superjson.serialize(value), deserialize: deserializeInput },
  output: { serialize, deserialize: (value: unknown) => superjson.deserialize(value as never) },
};
