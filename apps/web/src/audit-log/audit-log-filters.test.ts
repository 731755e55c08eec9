import { describe, expect, it } from 'vitest';
import {
  auditLogBounds,
  auditLogExportUrl,
  auditLogFiltersToSearch,
  parseAuditLogFilters,
  rangeIsInverted,
} from './audit-log-filters.ts';

describe('audit log filters in the URL', () => {
  it('round-trips every filter', () => {
    const filters = {
      actorId: 3,
      mentorId: 12,
      workletId: 40,
      types: ['assigned', 'deactivated'],
      from: '2026-11-01',
      to: '2026-11-30',
    } as const;
    const search = auditLogFiltersToSearch({ ...filters, types: [...filters.types] });
    expect(search).toBe('?actor=3&mentor=12&worklet=40&type=assigned%2Cdeactivated&from=2026-11-01&to=2026-11-30');
    expect(parseAuditLogFilters(search)).toEqual(filters);
  });

  it('ignores values it does not know', () => {
    expect(auditLogFiltersToSearch({ types: [] })).toBe('');
    expect(
      parseAuditLogFilters('?actor=-1&mentor=x&worklet=1.5&type=bogus,assigned&from=yesterday&to=2026-13-45'),
    ).toEqual({
      actorId: undefined,
      mentorId: undefined,
      workletId: undefined,
      types: ['assigned'],
      from: undefined,
      to: undefined,
    });
  });

  it('includes both ends of the range, whole days', () => {
    const bounds = auditLogBounds({ types: [], from: '2026-11-01', to: '2026-11-01' });
    expect(bounds.to!.getTime() - bounds.from!.getTime()).toBe(86_400_000 - 1);
    expect(rangeIsInverted({ types: [], from: '2026-11-02', to: '2026-11-01' })).toBe(true);
    expect(rangeIsInverted({ types: [], from: '2026-11-01', to: '2026-11-01' })).toBe(false);
  });

  it('gives the CSV download the same filters, in the names of the export', () => {
    const url = new URL(
      auditLogExportUrl({ actorId: 3, mentorId: 12, types: ['assigned', 'deactivated'], from: '2026-11-01' }),
      'http://x',
    );
    expect(url.pathname).toBe('/api/export/audit-log.csv');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      actorId: '3',
      mentorId: '12',
      types: 'assigned,deactivated',
      from: new Date('2026-11-01T00:00:00').toISOString(),
    });
    expect(auditLogExportUrl({ types: [] })).toBe('/api/export/audit-log.csv');
  });
});
