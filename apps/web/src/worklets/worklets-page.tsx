import {
  Alert,
  Button,
  Group,
  Loader,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import type { SessionUser } from '@worklets/api';
import { workletStatuses } from '@worklets/validators/worklets';
import { useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { errorMessage } from '../lib/api-errors.ts';
import { LoadMore } from '../lib/load-more.tsx';
import { trpc } from '../trpc.ts';
import { MentorFilterSelect } from './mentor-filter-select.tsx';
import { WorkletCard } from './worklet-card.tsx';
import { filtersToSearch, parseFilters, type WorkletFilters } from './worklet-filters.ts';
import { WorkletFormModal } from './worklet-form-modal.tsx';

const pageSize = 30;

export function WorkletsPage({ user }: { user: SessionUser }) {
  const search = useSearch();
  const [, navigate] = useLocation();
  const filters = parseFilters(search);
  const [text, setText] = useState(filters.search ?? '');
  const [creating, setCreating] = useState(false);
  const admin = user.role === 'admin';

  const update = (patch: Partial<WorkletFilters>) =>
    navigate(`/worklets${filtersToSearch({ ...filters, ...patch })}`, { replace: true });
  const updateSearch = useDebouncedCallback((value: string) => update({ search: value.trim() || undefined }), 300);

  const list = trpc.worklets.list.useInfiniteQuery(
    {
      limit: pageSize,
      status: filters.status,
      coverage: filters.coverage,
      mentorId: filters.mentorId,
      search: filters.search,
    },
    { getNextPageParam: (last) => last.nextCursor, placeholderData: (previous) => previous },
  );
  const coverage = trpc.worklets.coverage.useQuery();
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Worklets
        </Title>
        {admin && <Button onClick={() => setCreating(true)}>New worklet</Button>}
      </Group>
      {coverage.data && (coverage.data.needsPrimary > 0 || coverage.data.noMentors > 0) && (
        <Text size="sm" c="dimmed">
          Open worklets: {coverage.data.needsPrimary} need a Primary mentor, {coverage.data.noMentors} have no mentor.
        </Text>
      )}
      <Group align="flex-end" gap="sm" role="search" aria-label="Filter worklets">
        <TextInput
          label="Search titles"
          placeholder="e.g. speech"
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            updateSearch(e.currentTarget.value);
          }}
          w={{ base: '100%', sm: 220 }}
        />
        <Select
          label="Status"
          placeholder="Any status"
          clearable
          data={workletStatuses.map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) }))}
          value={filters.status ?? null}
          onChange={(v) => update({ status: (v as WorkletFilters['status']) ?? undefined })}
          w={{ base: '100%', sm: 160 }}
        />
        {admin && (
          <MentorFilterSelect label="Mentor" value={filters.mentorId} onChange={(mentorId) => update({ mentorId })} />
        )}
        <div>
          <Text component="label" size="sm" fw={500} id="coverage-label" display="block" mb={4}>
            Coverage
          </Text>
          <SegmentedControl
            aria-labelledby="coverage-label"
            value={filters.coverage}
            onChange={(v) => update({ coverage: v as WorkletFilters['coverage'] })}
            data={[
              { value: 'all', label: 'All' },
              { value: 'needs_primary', label: 'Needs a Primary' },
              { value: 'no_mentors', label: 'No mentors' },
            ]}
          />
        </div>
      </Group>

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
      {admin && creating && <WorkletFormModal onClose={() => setCreating(false)} />}
    </Stack>
  );
}
