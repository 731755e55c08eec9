/**
 * The Mentors list's view lives in the URL, so the overview's count can link to it and a
 * view can be shared:  /mentors?overCapacity=1&sort=load&q=kapoor
 */
import { type MentorSort, mentorSorts } from '@worklets/validators/mentors';

export type MentorFilters = { overCapacity: boolean; sort: MentorSort; search?: string };

export function parseMentorFilters(search: string): MentorFilters {
  const params = new URLSearchParams(search);
  const sort = params.get('sort');
  const q = params.get('q')?.trim().slice(0, 100);
  return {
    overCapacity: params.get('overCapacity') === '1',
    sort: mentorSorts.includes(sort as MentorSort) ? (sort as MentorSort) : 'name',
    search: q ? q : undefined,
  };
}

export function mentorFiltersToSearch(filters: MentorFilters): string {
  const params = new URLSearchParams();
  if (filters.overCapacity) params.set('overCapacity', '1');
  if (filters.sort !== 'name') params.set('sort', filters.sort);
  if (filters.search) params.set('q', filters.search);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The CSV download of the list as shown (the host's /api/export/mentors.csv). */
export function mentorsExportUrl(filters: MentorFilters): string {
  const params = new URLSearchParams({ sort: filters.sort });
  if (filters.overCapacity) params.set('overCapacity', 'yes');
  if (filters.search) params.set('search', filters.search);
  return `/api/export/mentors.csv?${params}`;
}
