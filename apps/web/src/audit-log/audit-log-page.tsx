import { Alert, Button, Group, Loader, MultiSelect, Stack, TextInput, Title } from '@mantine/core';
import { type AssignmentEventType, assignmentEventTypes } from '@worklets/validators/assignments';
import { useLocation, useSearch } from 'wouter';
import { errorMessage } from '../lib/api-errors.ts';
import { LoadMore } from '../lib/load-more.tsx';
import { trpc } from '../trpc.ts';
import { MentorFilterSelect } from '../worklets/mentor-filter-select.tsx';
import {
  type AuditLogFilters,
  auditLogBounds,
  auditLogExportUrl,
  auditLogFiltersToSearch,
  parseAuditLogFilters,
  rangeIsInverted,
} from './audit-log-filters.ts';
import { ActorFilterSelect, WorkletFilterSelect } from './audit-log-pickers.tsx';
import { AuditTimeline, eventTypeLabel } from './audit-timeline.tsx';

const pageSize = 50;
const invertedRange = 'The end date must not be before the start date';

/** Every event in the program, newest first, filtered by who, which mentor and worklet, kind and dates. */
export function AuditLogPage() {
  const [, navigate] = useLocation();
  const filters = parseAuditLogFilters(useSearch());
  const update = (patch: Partial<AuditLogFilters>) =>
    navigate(`/audit-log${auditLogFiltersToSearch({ ...filters, ...patch })}`, { replace: true });
  const inverted = rangeIsInverted(filters);
  const log = trpc.history.list.useInfiniteQuery(
    {
      limit: pageSize,
      actorId: filters.actorId,
      mentorId: filters.mentorId,
      workletId: filters.workletId,
      types: filters.types.length ? filters.types : undefined,
      ...auditLogBounds(filters),
    },
    { enabled: !inverted, getNextPageParam: (last) => last.nextCursor, placeholderData: (previous) => previous },
  );
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Audit log
        </Title>
        {inverted ? null : (
          <Button component="a" href={auditLogExportUrl(filters)} download variant="default">
            Download CSV
          </Button>
        )}
      </Group>
      <AuditLogFilterBar filters={filters} update={update} />
      {inverted ? null : log.isPending ? (
        <Loader aria-label="Loading the audit log" />
      ) : log.isError ? (
        <Alert color="red" title="Could not load the audit log">
          {errorMessage(log.error)}
        </Alert>
      ) : (
        <>
          <AuditTimeline entries={entries} />
          <LoadMore query={log} label="Load more" />
        </>
      )}
    </Stack>
  );
}

function AuditLogFilterBar({
  filters,
  update,
}: {
  filters: AuditLogFilters;
  update: (patch: Partial<AuditLogFilters>) => void;
}) {
  const width = { base: '100%', sm: 220 };
  return (
    <Group align="flex-start" gap="sm" role="search" aria-label="Filter the audit log">
      <Stack gap={0} w={width}>
        <ActorFilterSelect value={filters.actorId} onChange={(actorId) => update({ actorId })} />
      </Stack>
      <Stack gap={0} w={width}>
        <MentorFilterSelect label="Mentor" value={filters.mentorId} onChange={(mentorId) => update({ mentorId })} />
      </Stack>
      <Stack gap={0} w={width}>
        <WorkletFilterSelect value={filters.workletId} onChange={(workletId) => update({ workletId })} />
      </Stack>
      <MultiSelect
        label="Event types"
        placeholder={filters.types.length ? undefined : 'Every type'}
        data={assignmentEventTypes.map((t) => ({ value: t, label: eventTypeLabel[t] }))}
        value={filters.types}
        onChange={(types) => update({ types: types as AssignmentEventType[] })}
        clearable
        w={width}
      />
      <TextInput
        type="date"
        label="From"
        value={filters.from ?? ''}
        onChange={(e) => update({ from: e.currentTarget.value || undefined })}
        w={{ base: '100%', sm: 170 }}
      />
      <TextInput
        type="date"
        label="To"
        value={filters.to ?? ''}
        onChange={(e) => update({ to: e.currentTarget.value || undefined })}
        error={rangeIsInverted(filters) ? invertedRange : undefined}
        w={{ base: '100%', sm: 170 }}
      />
    </Group>
  );
}
