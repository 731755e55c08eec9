import { z } from 'zod';
import { pageInput, searchText } from './common.ts';

/** Picker search: mentors only, active users only, a short list. */
export const searchMentorsInput = z.strictObject({
  query: searchText.default(''),
  limit: z.number().int().min(1).max(50).default(10),
});
export type SearchMentorsInput = z.input<typeof searchMentorsInput>;

export const listMentorsInput = z.strictObject({
  ...pageInput,
  search: searchText.optional(),
});
export type ListMentorsInput = z.input<typeof listMentorsInput>;
