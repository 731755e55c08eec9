/**
 * The audit log's filters live in the URL, so a view can be shared:
 *   /audit-log?actor=3&mentor=12&worklet=40&type=assigned,deactivated&from=2026-11-01&to=2026-11-30
 * Dates are calendar days in the viewer's time zone; both ends are included.
 */
import { type AssignmentEventType, assignmentEventTypes } from '@worklets/validators/assignments';

export type AuditLogFilters = {
  actorId?: number;
  mentorId?: number;
  workletId?: number;
  types: AssignmentEventType[];
  from?: string;
  to?: string;
};

const isDay = (value: string | null): value is string =>
  value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));

function positiveId(value: string | null): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 && n <= 2_147_483_647 ? n : undefined;
}

export function parseAuditLogFilters(search: string): AuditLogFilters {
  const params = new URLSearchParams(search);
  const from = params.get('from');
  const to = params.get('to');
  const types = (params.get('type') ?? '').split(',');
  return {
    actorId: positiveId(params.get('actor')),
    mentorId: positiveId(params.get('mentor')),
    workletId: positiveId(params.get('worklet')),
    types: assignmentEventTypes.filter((t) => types.includes(t)),
    from: isDay(from) ? from : undefined,
    to: isDay(to) ? to : undefined,
  };
}

export function auditLogFiltersToSearch(filters: AuditLogFilters): string {
  const params = new URLSearchParams();
  if (filters.actorId) params.set('actor', String(filters.actorId));
  if (filters.mentorId) params.set('mentor', String(filters.mentorId));
  if (filters.workletId) params.set('worklet', String(filters.workletId));
  if (filters.types.length) params.set('type', filters.types.join(','));
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A range whose end is before its start: the server refuses it, so the page says so instead of asking. */
export function rangeIsInverted(filters: AuditLogFilters): boolean {
  return Boolean(filters.from && filters.to && filters.from > filters.to);
}

/** The API's inclusive bounds: the start of the first day and the last instant of the last day. */
export function auditLogBounds(filters: AuditLogFilters): { from?: Date; to?: Date } {
  return {
    from: filters.from ? new Date(`${filters.from}T00:00:00`) : undefined,
    to: filters.to ? new Date(`${filters.to}T23:59:59.999`) : undefined,
  };
}

/** The CSV download of the same events (the host's /api/export/audit-log.csv takes the API's filter names). */
export function auditLogExportUrl(filters: AuditLogFilters): string {
  const params = new URLSearchParams();
  if (filters.actorId) params.set('actorId', String(filters.actorId));
  if (filters.mentorId) params.set('mentorId', String(filters.mentorId));
  if (filters.workletId) params.set('workletId', String(filters.workletId));
  if (filters.types.length) params.set('types', filters.types.join(','));
  const { from, to } = auditLogBounds(filters);
  if (from) params.set('from', from.toISOString());
  if (to) params.set('to', to.toISOString());
  const text = params.toString();
  return `/api/export/audit-log.csv${text ? `?${text}` : ''}`;
}
