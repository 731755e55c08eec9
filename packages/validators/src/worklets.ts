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
