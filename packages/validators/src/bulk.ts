import { z } from 'zod';
import { mentorRole } from './assignments.ts';
import { id, searchText } from './common.ts';
import { workletCoverage, workletStatus } from './worklets.ts';

/** A bulk change touches at most this many worklets (a larger selection is refused, not cut). */
export const maxBulkWorklets = 500;

/** The worklet list's filters (as in listWorkletsInput), for "every worklet matching". */
export const bulkFilters = z.strictObject({
  status: workletStatus.optional(),
  mentorId: id.optional(),
  search: searchText.optional(),
  coverage: workletCoverage.default('all'),
});

export const bulkTarget = z.union([
  z.strictObject({
    ids: z
      .array(id)
      .min(1, 'Select at least one worklet')
      .max(maxBulkWorklets, `At most ${maxBulkWorklets} worklets at once`),
  }),
  z.strictObject({ matching: bulkFilters }),
]);

export const bulkAction = z.discriminatedUnion('kind', [
  /** Primary only where the worklet has none (else skipped), unless `replacePrimary`. */
  z.strictObject({
    kind: z.literal('addMentor'),
    mentorId: id,
    role: mentorRole,
    replacePrimary: z.boolean().default(false),
  }),
  z.strictObject({ kind: z.literal('removeMentor'), mentorId: id }),
  z.strictObject({ kind: z.literal('setStatus'), status: workletStatus }),
]);
export type BulkAction = z.infer<typeof bulkAction>;

export const bulkChangeInput = z.strictObject({
  target: bulkTarget,
  action: bulkAction,
  /** Rule 5: assign a mentor beyond their capacity (the coordinator confirmed it). */
  allowOverCapacity: z.boolean().default(false),
});
export type BulkChangeInput = z.infer<typeof bulkChangeInput>;

export const batchIdInput = z.strictObject({ batchId: id });
