/**
 * The card list's filters live in the URL, so a view can be shared:
 *   /worklets?status=active&coverage=needs_primary&mentor=12&q=speech
 */
import {
  type WorkletCoverage,
  type WorkletStatus,
  workletCoverages,
  workletStatuses,
} from '@worklets/validators/worklets';

export type WorkletFilters = {
  status?: WorkletStatus;
  coverage: WorkletCoverage;
  mentorId?: number;
  search?: string;
};

export function parseFilters(search: string): WorkletFilters {
  const params = new URLSearchParams(search);
  const status = params.get('status');
  const coverage = params.get('coverage');
  const mentor = Number(params.get('mentor'));
  const q = params.get('q')?.trim().slice(0, 100);
  return {
    status: workletStatuses.includes(status as WorkletStatus) ? (status as WorkletStatus) : undefined,
    coverage: workletCoverages.includes(coverage as WorkletCoverage) ? (coverage as WorkletCoverage) : 'all',
    mentorId: Number.isInteger(mentor) && mentor > 0 ? mentor : undefined,
    search: q ? q : undefined,
  };
}

export function filtersToSearch(filters: WorkletFilters): string {
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.coverage !== 'all') params.set('coverage', filters.coverage);
  if (filters.mentorId) params.set('mentor', String(filters.mentorId));
  if (filters.search) params.set('q', filters.search);
  const text = params.toString();
  return text ? `?${text}` : '';
}
