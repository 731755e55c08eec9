import { describe, expect, it } from 'vitest';
import { filtersToSearch, parseFilters, parseView, workletsExportUrl } from './worklet-filters.ts';

describe('worklet filters in the URL', () => {
  it('round-trips every filter', () => {
    const filters = { status: 'active', coverage: 'needs_primary', mentorId: 12, search: 'speech' } as const;
    const search = filtersToSearch(filters);
    expect(search).toBe('?status=active&coverage=needs_primary&mentor=12&q=speech');
    expect(parseFilters(search)).toEqual(filters);
  });

  it('drops defaults and ignores values it does not know', () => {
    expect(filtersToSearch({ coverage: 'all' })).toBe('');
    expect(parseFilters('?status=deleted&coverage=bogus&mentor=-3&q=%20%20')).toEqual({
      status: undefined,
      coverage: 'all',
      mentorId: undefined,
      search: undefined,
    });
  });

  it('bounds the search text', () => {
    expect(parseFilters(`?q=${'x'.repeat(500)}`).search).toHaveLength(100);
  });
});

describe('view and sort in the URL', () => {
  it('round-trips the table view and its sort, after the filters', () => {
    const view = { view: 'table', sort: 'primary', order: 'asc' } as const;
    const search = filtersToSearch({ coverage: 'no_mentors' }, view);
    expect(search).toBe('?coverage=no_mentors&view=table&sort=primary&order=asc');
    expect(parseView(search)).toEqual(view);
  });

  it('defaults to cards, most recently changed first, and ignores unknown values', () => {
    expect(parseView('?view=grid&sort=id&order=sideways')).toEqual({ view: 'cards', sort: 'updated', order: 'desc' });
    expect(filtersToSearch({ coverage: 'all' }, { view: 'cards', sort: 'updated', order: 'desc' })).toBe('');
  });
});

describe('the CSV download of a view', () => {
  it('carries the filters in the export\u2019s names and leaves defaults out', () => {
    const url = new URL(
      workletsExportUrl({ status: 'active', coverage: 'needs_primary', mentorId: 7, search: 'speech' }, 'assignments'),
      'http://x',
    );
    expect(url.pathname).toBe('/api/export/worklets.csv');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      rows: 'assignments',
      status: 'active',
      mentorId: '7',
      search: 'speech',
      coverage: 'needs_primary',
    });
    expect(workletsExportUrl({ coverage: 'all' }, 'worklets')).toBe('/api/export/worklets.csv?rows=worklets');
  });
});
