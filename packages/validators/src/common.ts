import { z } from 'zod';

/** A database id: a positive 32-bit integer. */
export const id = z.number().int().positive().max(2_147_483_647);

/**
 * Keyset pagination: the id to continue after, and a bounded page size.
 * `direction` is sent by tRPC's infinite queries (@trpc/react-query); pages only go forward.
 */
export const pageInput = {
  cursor: id.nullish(),
  limit: z.number().int().min(1).max(100).default(25),
  direction: z.enum(['forward', 'backward']).optional(),
};

/**
 * Every string input starts here: text without NUL characters (PostgreSQL cannot store
 * U+0000 in text, so it would otherwise fail deep in the database as a 500).
 */
export function text() {
  return z.string().refine((value) => !value.includes('\0'), 'Text cannot contain NUL characters');
}

/**
 * Trimmed text of bounded length, with messages written for the people who fill in the form
 * (the web app shows them next to the field, before and after the server checks them).
 */
export function boundedText(max: number, min = 0, minMessage?: string) {
  const trimmed = text().trim();
  const atLeast = min > 0 ? trimmed.min(min, minMessage ?? `At least ${min} characters`) : trimmed;
  return atLeast.max(max, `At most ${max.toLocaleString('en')} characters`);
}

export const searchText = boundedText(100);

/** The worklet version an editor started from (optimistic concurrency; see worklets.version). */
export const expectedVersion = z.number().int().min(1).max(2_147_483_647);

/**
 * A key the client makes once per form submission (a UUID): sending the same create again
 * with the same key returns the first result instead of creating a second row.
 */
export const idempotencyKey = z.uuid({ message: 'idempotencyKey must be a UUID' });
