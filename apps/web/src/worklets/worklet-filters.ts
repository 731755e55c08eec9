/**
 * The worklet list's filters, view and sort live in the URL, so a view can be shared:
 *   /worklets?status=active&coverage=needs_primary&mentor=12&q=speech&view=table&sort=primary&order=asc
 * The filters are shared by both views; the sort only applies to the table.
 */
import {
  type SortOrder,
  sortOrders,
  type WorkletCoverage,
  type WorkletSort,
  type WorkletStatus,
  workletCoverages,
  workletSorts,
  workletStatuses,
} from '@worklets/validators/worklets';

export type WorkletFilters = {
  status?: WorkletStatus;
  coverage: WorkletCoverage;
  mentorId?: number;
  search?: string;
};

export type WorkletView = { view: 'cards' | 'table'; sort: WorkletSort; order: SortOrder };

/** The table's first view: the most recently changed worklets first. */
const defaultView: WorkletView = { view: 'cards', sort: 'updated', order: 'desc' };

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

export function parseView(search: string): WorkletView {
  const params = new URLSearchParams(search);
  const sort = params.get('sort') as WorkletSort;
  const order = params.get('order') as SortOrder;
  return {
    view: params.get('view') === 'table' ? 'table' : 'cards',
    sort: workletSorts.includes(sort) ? sort : defaultView.sort,
    order: sortOrders.includes(order) ? order : defaultView.order,
  };
}

export function filtersToSearch(filters: WorkletFilters, view: WorkletView = defaultView): string {
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.coverage !== 'all') params.set('coverage', filters.coverage);
  if (filters.mentorId) params.set('mentor', String(filters.mentorId));
  if (filters.search) params.set('q', filters.search);
  if (view.view !== defaultView.view) params.set('view', view.view);
  if (view.sort !== defaultView.sort || view.order !== defaultView.order) {
    params.set('sort', view.sort);
    params.set('order', view.order);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The CSV download of the worklets these filters show (the host's /api/export/worklets.csv). */
export function workletsExportUrl(filters: WorkletFilters, rows: 'worklets' | 'assignments'): string {
  const params = new URLSearchParams({ rows });
  if (filters.status) params.set('status', filters.status);
  if (filters.mentorId) params.set('mentorId', String(filters.mentorId));
  if (filters.search) params.set('search', filters.search);
  if (filters.coverage !== 'all') params.set('coverage', filters.coverage);
  return `/api/export/worklets.csv?${params}`;
}
