import { Alert, Anchor, Badge, Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { Link } from 'wouter';
import { errorMessage } from '../lib/api-errors.ts';
import { LoadMore } from '../lib/load-more.tsx';
import { trpc } from '../trpc.ts';

export function MentorsPage() {
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search.trim(), 250);
  const list = trpc.mentors.list.useInfiniteQuery(
    { limit: 50, search: query || undefined },
    { getNextPageParam: (last) => last.nextCursor, placeholderData: (previous) => previous },
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Title order={1} size="h2">
        Mentors
      </Title>
      <TextInput
        label="Search mentors"
        placeholder="Name or email"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        maw={360}
      />
      {list.isPending && <Loader aria-label="Loading mentors" />}
      {list.isError && (
        <Alert color="red" role="alert">
          {errorMessage(list.error)}
        </Alert>
      )}
      {list.isSuccess && items.length === 0 && <Text c="dimmed">No mentor matches “{query}”.</Text>}
      {items.length > 0 && (
        <Table striped highlightOnHover aria-label="Mentors" className="stack-on-phone">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th ta="right">Active worklets</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((m) => (
              <Table.Tr key={m.id}>
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
                  </Group>
                </Table.Td>
                <Table.Td data-label="Email">{m.email}</Table.Td>
                <Table.Td data-label="Active worklets" ta="right">
                  {m.activeWorklets}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMore query={list} label="Load more mentors" />
    </Stack>
  );
}
