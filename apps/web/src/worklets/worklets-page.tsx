import {
  Alert,
  Button,
  Group,
  Loader,
  Menu,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import type { SessionUser } from '@worklets/api';
import { workletStatuses } from '@worklets/validators/worklets';
import { useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { errorMessage } from '../lib/api-errors.ts';
import { LoadMore } from '../lib/load-more.tsx';
import { SearchInput } from '../lib/search-input.tsx';
import { trpc } from '../trpc.ts';
import { BulkActions } from './bulk/bulk-actions.tsx';
import { MentorFilterSelect } from './mentor-filter-select.tsx';
import { WorkletsTable } from './table/worklets-table.tsx';
import { WorkletCard } from './worklet-card.tsx';
import {
  filtersToSearch,
  parseFilters,
  parseView,
  type WorkletFilters,
  type WorkletView,
  workletsExportUrl,
} from './worklet-filters.ts';
import { WorkletFormModal } from './worklet-form-modal.tsx';

const pageSize = 30;

/**
 * Worklets as cards or as a table (`?view=table`), with the same filters in the URL; admins
 * act in bulk on the table's selection. Both views download as CSV with their filters.
 */
export function WorkletsPage({ user }: { user: SessionUser }) {
  const search = useSearch();
  const [, navigate] = useLocation();
  const filters = parseFilters(search);
  const view = parseView(search);
  const [creating, setCreating] = useState(false);
  const admin = user.role === 'admin';

  const go = (nextFilters: WorkletFilters, nextView: WorkletView) =>
    navigate(`/worklets${filtersToSearch(nextFilters, nextView)}`, { replace: true });
  const update = (patch: Partial<WorkletFilters>) => go({ ...filters, ...patch }, view);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Worklets
        </Title>
        <Group gap="sm">
          <SegmentedControl
            aria-label="Show worklets as"
            value={view.view}
            onChange={(v) => go(filters, { ...view, view: v as WorkletView['view'] })}
            data={[
              { value: 'cards', label: 'Cards' },
              { value: 'table', label: 'Table' },
            ]}
          />
          <DownloadMenu filters={filters} />
          {admin && <Button onClick={() => setCreating(true)}>New worklet</Button>}
        </Group>
      </Group>
      <CoverageSummary />
      <FilterControls filters={filters} admin={admin} onChange={update} />
      {view.view === 'table' ? (
        <WorkletsTable
          key={filtersToSearch(filters, view)}
          filters={filters}
          sort={view}
          onSort={(sort) => go(filters, { ...view, ...sort })}
          selectable={admin}
          actions={admin ? (selection) => <BulkActions selection={selection} /> : undefined}
        />
      ) : (
        <WorkletCards filters={filters} />
      )}
      {admin && creating && <WorkletFormModal onClose={() => setCreating(false)} />}
    </Stack>
  );
}

function DownloadMenu({ filters }: { filters: WorkletFilters }) {
  return (
    <Menu position="bottom-end">
      <Menu.Target>
        <Button variant="default">Download CSV</Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item component="a" href={workletsExportUrl(filters, 'worklets')} download>
          A row per worklet
        </Menu.Item>
        <Menu.Item component="a" href={workletsExportUrl(filters, 'assignments')} download>
          A row per assignment
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

function CoverageSummary() {
  const coverage = trpc.worklets.coverage.useQuery();
  if (!coverage.data || (coverage.data.needsPrimary === 0 && coverage.data.noMentors === 0)) return null;
  return (
    <Text size="sm" c="dimmed">
      Open worklets: {coverage.data.needsPrimary} need a Primary mentor, {coverage.data.noMentors} have no mentor.
    </Text>
  );
}

function FilterControls({
  filters,
  admin,
  onChange,
}: {
  filters: WorkletFilters;
  admin: boolean;
  onChange: (patch: Partial<WorkletFilters>) => void;
}) {
  return (
    <Group align="flex-end" gap="sm" role="search" aria-label="Filter worklets">
      <SearchInput
        label="Search titles"
        placeholder="e.g. speech"
        initial={filters.search}
        onSearch={(search) => onChange({ search })}
        delayMs={300}
        width={220}
      />
      <Select
        label="Status"
        placeholder="Any status"
        clearable
        data={workletStatuses.map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) }))}
        value={filters.status ?? null}
        onChange={(v) => onChange({ status: (v as WorkletFilters['status']) ?? undefined })}
        w={{ base: '100%', sm: 160 }}
      />
      {admin && (
        <MentorFilterSelect label="Mentor" value={filters.mentorId} onChange={(mentorId) => onChange({ mentorId })} />
      )}
      <div>
        <Text component="label" size="sm" fw={500} id="coverage-label" display="block" mb={4}>
          Coverage
        </Text>
        <SegmentedControl
          aria-labelledby="coverage-label"
          value={filters.coverage}
          onChange={(v) => onChange({ coverage: v as WorkletFilters['coverage'] })}
          data={[
            { value: 'all', label: 'All' },
            { value: 'needs_primary', label: 'Needs a Primary' },
            { value: 'no_mentors', label: 'No mentors' },
          ]}
        />
      </div>
    </Group>
  );
}

function WorkletCards({ filters }: { filters: WorkletFilters }) {
  const list = trpc.worklets.list.useInfiniteQuery(
    { limit: pageSize, ...filters },
    { getNextPageParam: (last) => last.nextCursor, placeholderData: (previous) => previous },
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      {list.isPending && <Loader aria-label="Loading worklets" />}
      {list.isError && (
        <Alert color="red" role="alert" title="Could not load worklets">
          {errorMessage(list.error)}
        </Alert>
      )}
      {list.isSuccess && items.length === 0 && (
        <Text c="dimmed" py="xl">
          No worklets match these filters.
        </Text>
      )}
      <VisuallyHidden aria-live="polite">{list.isSuccess ? `${items.length} worklets shown` : ''}</VisuallyHidden>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} component="section" aria-label="Worklet cards">
        {items.map((w) => (
          <WorkletCard key={w.id} worklet={w} />
        ))}
      </SimpleGrid>
      <LoadMore query={list} label="Load more worklets" />
    </>
  );
}
