import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import type { RouterOutputs } from '@worklets/api';
import type { MentorSort } from '@worklets/validators/mentors';
import { Link, useLocation, useSearch } from 'wouter';
import { errorMessage } from '../lib/api-errors.ts';
import { LoadMore } from '../lib/load-more.tsx';
import { SearchInput } from '../lib/search-input.tsx';
import { trpc } from '../trpc.ts';
import { DefaultCapacityControl } from './capacity-controls.tsx';
import { type MentorFilters, mentorFiltersToSearch, mentorsExportUrl, parseMentorFilters } from './mentor-filters.ts';
import { OverCapacityBadge } from './workload.tsx';

type MentorRow = RouterOutputs['mentors']['list']['items'][number];

/** Numbers align right in the table, and left in the stacked cards at phone width (app.css). */
const numeric = { base: 'left', sm: 'right' } as const;

const sortOptions: { value: MentorSort; label: string }[] = [
  { value: 'name', label: 'Name' },
  { value: 'load', label: 'Load (most over capacity first)' },
];

/**
 * Every mentor with their open worklets by role against their capacity; sorted by name or
 * by load, optionally only those over capacity. The view lives in the URL (mentor-filters.ts).
 */
export function MentorsPage() {
  const [, navigate] = useLocation();
  const filters = parseMentorFilters(useSearch());
  const update = (patch: Partial<MentorFilters>) =>
    navigate(`/mentors${mentorFiltersToSearch({ ...filters, ...patch })}`, { replace: true });
  const list = trpc.mentors.list.useInfiniteQuery(
    { limit: 50, search: filters.search, sort: filters.sort, overCapacity: filters.overCapacity || undefined },
    { getNextPageParam: (last) => last.nextCursor, placeholderData: (previous) => previous },
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={1} size="h2">
          Mentors
        </Title>
        <Group align="flex-end">
          <DefaultCapacityControl />
          <Button component="a" href={mentorsExportUrl(filters)} download variant="default">
            Download CSV
          </Button>
        </Group>
      </Group>
      <Group align="flex-end">
        <SearchInput
          label="Search mentors"
          placeholder="Name or email"
          initial={filters.search}
          onSearch={(search) => update({ search })}
          delayMs={250}
          width={300}
        />
        <Select
          label="Sort by"
          data={sortOptions}
          value={filters.sort}
          onChange={(v) => update({ sort: (v as MentorSort | null) ?? 'name' })}
          allowDeselect={false}
          w={{ base: '100%', sm: 280 }}
        />
        <Checkbox
          label="Over capacity only"
          checked={filters.overCapacity}
          onChange={(e) => update({ overCapacity: e.currentTarget.checked })}
          mb={8}
        />
      </Group>
      {list.isPending && <Loader aria-label="Loading mentors" />}
      {list.isError && (
        <Alert color="red" role="alert">
          {errorMessage(list.error)}
        </Alert>
      )}
      {list.isSuccess && items.length === 0 && (
        <Text c="dimmed">
          {filters.overCapacity ? 'No mentor is over capacity' : 'No mentor found'}
          {filters.search ? ` matching “${filters.search}”` : ''}.
        </Text>
      )}
      {items.length > 0 && <MentorsTable items={items} />}
      <LoadMore query={list} label="Load more mentors" />
    </Stack>
  );
}

function MentorsTable({ items }: { items: MentorRow[] }) {
  return (
    <Table striped highlightOnHover aria-label="Mentors" className="stack-on-phone">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Name</Table.Th>
          <Table.Th>Email</Table.Th>
          <Table.Th ta={numeric}>Primary</Table.Th>
          <Table.Th ta={numeric}>Secondary</Table.Th>
          <Table.Th ta={numeric}>Collaborator</Table.Th>
          <Table.Th ta={numeric}>Open worklets</Table.Th>
          <Table.Th ta={numeric}>Capacity</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((m) => (
          <Table.Tr key={m.id} data-over-capacity={m.overCapacity || undefined}>
            <Table.Td>
              <Group gap="xs">
                <Anchor component={Link} href={`/mentors/${m.id}`}>
                  {m.name}
                </Anchor>
                {!m.isActive && (
                  <Badge color="gray" size="xs">
                    deactivated
                  </Badge>
                )}
                <OverCapacityBadge over={m.overCapacity} />
              </Group>
            </Table.Td>
            <Table.Td data-label="Email">{m.email}</Table.Td>
            <Table.Td data-label="Primary" ta={numeric}>
              {m.workload.Primary}
            </Table.Td>
            <Table.Td data-label="Secondary" ta={numeric}>
              {m.workload.Secondary}
            </Table.Td>
            <Table.Td data-label="Collaborator" ta={numeric}>
              {m.workload.Collaborator}
            </Table.Td>
            <Table.Td data-label="Open worklets" ta={numeric} fw={m.overCapacity ? 700 : undefined}>
              {m.workload.total}
            </Table.Td>
            <Table.Td data-label="Capacity" ta={numeric}>
              {m.capacity}{' '}
              <Text span size="xs" c="dimmed">
                {m.ownCapacity === null ? '(default)' : '(own)'}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
