import { describe, expect, it } from 'vitest';
import { mentorFiltersToSearch, mentorsExportUrl, parseMentorFilters } from './mentor-filters.ts';

describe('mentor filters in the URL', () => {
  it('round-trips every filter, and the defaults make an empty query', () => {
    const filters = { overCapacity: true, sort: 'load' as const, search: 'kapoor' };
    expect(mentorFiltersToSearch(filters)).toBe('?overCapacity=1&sort=load&q=kapoor');
    expect(parseMentorFilters(mentorFiltersToSearch(filters))).toEqual(filters);
    expect(mentorFiltersToSearch({ overCapacity: false, sort: 'name' })).toBe('');
    expect(parseMentorFilters('')).toEqual({ overCapacity: false, sort: 'name', search: undefined });
  });

  it('ignores what it does not know', () => {
    expect(parseMentorFilters('?overCapacity=yes&sort=salary&q=%20%20')).toEqual({
      overCapacity: false,
      sort: 'name',
      search: undefined,
    });
  });
});

describe('the CSV download of the Mentors list', () => {
  it('carries the sort, the over-capacity filter and the search', () => {
    const url = new URL(mentorsExportUrl({ overCapacity: true, sort: 'load', search: 'kapoor' }), 'http://x');
    expect(url.pathname).toBe('/api/export/mentors.csv');
    expect(Object.fromEntries(url.searchParams)).toEqual({ sort: 'load', overCapacity: 'yes', search: 'kapoor' });
    expect(mentorsExportUrl({ overCapacity: false, sort: 'name' })).toBe('/api/export/mentors.csv?sort=name');
  });
});
