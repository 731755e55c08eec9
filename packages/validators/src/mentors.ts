import { z } from 'zod';
import { id, pageInput, searchText } from './common.ts';

/** Picker search: mentors only, active users only, a short list. */
export const searchMentorsInput = z.strictObject({
  query: searchText.default(''),
  limit: z.number().int().min(1).max(50).default(10),
});
export type SearchMentorsInput = z.input<typeof searchMentorsInput>;

/** The most open worklets a capacity can allow (the database checks the same range). */
export const maxMentorCapacity = 1000;

/** How many open worklets a mentor can take: a whole number from 0 to 1000. */
export const mentorCapacity = z
  .number({ error: 'Enter a number of worklets' })
  .int('Enter a whole number')
  .min(0, 'At least 0')
  .max(maxMentorCapacity, `At most ${maxMentorCapacity.toLocaleString('en')}`);

/**
 * The mentors list: by name, or by load (open worklets minus capacity, most loaded
 * first, so those over capacity lead); `overCapacity` keeps only mentors over capacity.
 */
export const mentorSorts = ['name', 'load'] as const;
export type MentorSort = (typeof mentorSorts)[number];

export const listMentorsInput = z.strictObject({
  ...pageInput,
  search: searchText.optional(),
  sort: z.enum(mentorSorts).default('name'),
  overCapacity: z.boolean().optional(),
});
export type ListMentorsInput = z.input<typeof listMentorsInput>;

/** A mentor's own capacity; null: the program's default. */
export const setMentorCapacityInput = z.strictObject({ mentorId: id, capacity: mentorCapacity.nullable() });
export type SetMentorCapacityInput = z.input<typeof setMentorCapacityInput>;
