import { z } from 'zod';
import { boundedText, expectedVersion, id, idempotencyKey, pageInput, searchText } from './common.ts';

export const workletStatuses = ['draft', 'active', 'completed', 'archived'] as const;
export const workletStatus = z.enum(workletStatuses);
export type WorkletStatus = z.infer<typeof workletStatus>;

/** Coverage filters of the card list: who still needs mentors. */
export const workletCoverages = ['all', 'needs_primary', 'no_mentors'] as const;
export const workletCoverage = z.enum(workletCoverages);
export type WorkletCoverage = z.infer<typeof workletCoverage>;

export const workletTitle = boundedText(200, 3, 'A title needs at least 3 characters');
export const workletDescription = boundedText(5_000);

export const createWorkletInput = z.strictObject({
  title: workletTitle,
  description: workletDescription.default(''),
  status: workletStatus.exclude(['archived']).default('draft'),
  /** Made by the client per form submission: a repeated submission returns the first worklet. */
  idempotencyKey,
});
export type CreateWorkletInput = z.input<typeof createWorkletInput>;

export const updateWorkletInput = z.strictObject({
  id,
  title: workletTitle.optional(),
  description: workletDescription.optional(),
  status: workletStatus.optional(),
  /** The version the editor started from: a stale one is a CONFLICT carrying what changed since. */
  expectedVersion,
});
export type UpdateWorkletInput = z.input<typeof updateWorkletInput>;

export const listWorkletsInput = z.strictObject({
  ...pageInput,
  status: workletStatus.optional(),
  mentorId: id.optional(),
  search: searchText.optional(),
  coverage: workletCoverage.default('all'),
});
export type ListWorkletsInput = z.input<typeof listWorkletsInput>;

export const workletIdInput = z.strictObject({ workletId: id });

/** The worklets table's sortable columns; `primary` is the Primary mentor's name (none: last going up). */
export const workletSorts = ['title', 'status', 'primary', 'mentors', 'updated'] as const;
export type WorkletSort = (typeof workletSorts)[number];
export const sortOrders = ['asc', 'desc'] as const;
export type SortOrder = (typeof sortOrders)[number];

/**
 * The table: the card list's filters, a sort and an opaque cursor (the position after the
 * last row shown, as the previous page returned it; only valid for the same sort).
 */
export const workletTableInput = z.strictObject({
  ...pageInput,
  cursor: z.string().max(8_000).nullish(),
  status: workletStatus.optional(),
  mentorId: id.optional(),
  search: searchText.optional(),
  coverage: workletCoverage.default('all'),
  sort: z.enum(workletSorts).default('updated'),
  order: z.enum(sortOrders).default('desc'),
});
export type WorkletTableInput = z.input<typeof workletTableInput>;
