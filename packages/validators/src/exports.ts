/**
 * What a CSV export takes from its URL's query string (every value arrives as text).
 * The filters are those of the views being exported, with the same meaning.
 */
import { z } from 'zod';
import { assignmentEventTypes } from './assignments.ts';
import { id, searchText } from './common.ts';
import { mentorSorts } from './mentors.ts';
import { workletCoverage, workletStatus } from './worklets.ts';

const queryId = z.coerce.number().pipe(id);

export const exportWorkletsQuery = z.strictObject({
  status: workletStatus.optional(),
  mentorId: queryId.optional(),
  search: searchText.optional(),
  coverage: workletCoverage.default('all'),
  /** A row per worklet (its mentors in one cell), or a row per active assignment. */
  rows: z.enum(['worklets', 'assignments']).default('worklets'),
});
export type ExportWorkletsQuery = z.output<typeof exportWorkletsQuery>;

export const exportAuditLogQuery = z
  .strictObject({
    actorId: queryId.optional(),
    mentorId: queryId.optional(),
    workletId: queryId.optional(),
    /** Comma-separated event types. */
    types: z
      .string()
      .transform((s) => s.split(',').filter(Boolean))
      .pipe(z.array(z.enum(assignmentEventTypes)))
      .optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
  })
  .superRefine((value, ctx) => {
    if (value.from && value.to && value.from > value.to)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'The end date must not be before the start date' });
  });
export type ExportAuditLogQuery = z.output<typeof exportAuditLogQuery>;

export const exportMentorsQuery = z.strictObject({
  search: searchText.optional(),
  sort: z.enum(mentorSorts).default('name'),
  /** `yes`: only mentors over capacity (the Mentors page's filter). */
  overCapacity: z.literal('yes').optional(),
});
export type ExportMentorsQuery = z.output<typeof exportMentorsQuery>;
