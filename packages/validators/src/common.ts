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

export const searchText = z.string().trim().max(100);
