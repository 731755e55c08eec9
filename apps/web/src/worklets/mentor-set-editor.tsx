import { Alert, Button, Group, List, MultiSelect, Select, Stack, Table, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { type MentorRole, mentorRoles } from '@worklets/validators/assignments';
import { useMemo, useState } from 'react';
import { errorMessage } from '../lib/api-errors.ts';
import { trpc } from '../trpc.ts';
import {
  addMembers,
  describeChange,
  diffMembers,
  primaryOf,
  removeMember,
  type SetMember,
  setRole,
  sortMembers,
} from './mentor-set.ts';

/**
 * The assignment screen: pick mentors in a multi-select that searches on the server,
 * set each one's role, and save the whole set in one call.
 */
export function MentorSetEditor({
  workletId,
  saved,
  disabledReason,
}: {
  workletId: number;
  saved: SetMember[];
  disabledReason?: string;
}) {
  const utils = trpc.useUtils();
  const [members, setMembers] = useState<SetMember[]>(saved);
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search, 200);
  const results = trpc.mentors.search.useQuery({ query, limit: 20 }, { placeholderData: (previous) => previous });
  const save = trpc.assignments.setMentors.useMutation();
  const changes = useMemo(() => diffMembers(saved, members), [saved, members]);
  const currentPrimary = primaryOf(members);

  const known = new Map<number, Omit<SetMember, 'role'>>();
  for (const m of results.data ?? []) known.set(m.id, { mentorId: m.id, name: m.name, email: m.email });
  for (const m of members) known.set(m.mentorId, m);
  const data = [...known.values()].map((m) => ({ value: String(m.mentorId), label: m.name, email: m.email }));

  function onPick(values: string[]) {
    const ids = new Set(values.map(Number));
    let next = members.filter((m) => ids.has(m.mentorId));
    next = addMembers(
      next,
      [...ids].filter((id) => !next.some((m) => m.mentorId === id)).map((id) => known.get(id)!),
    );
    setMembers(next);
    setSearch('');
  }

  async function submit() {
    try {
      const result = await save.mutateAsync({
        workletId,
        mentors: members.map((m) => ({ mentorId: m.mentorId, role: m.role })),
      });
      await Promise.all([
        utils.worklets.invalidate(),
        utils.assignments.invalidate(),
        utils.history.invalidate(),
        utils.mentors.list.invalidate(),
      ]);
      notifications.show({
        color: 'green',
        title: 'Mentors saved',
        message: `${result.changes} change${result.changes === 1 ? '' : 's'} recorded in the history.`,
      });
    } catch {
      // Shown below.
    }
  }

  return (
    <Stack>
      <MultiSelect
        label="Assigned mentors"
        description="Type a name or email to search mentors; selected mentors are assigned to this worklet."
        placeholder={members.length ? 'Add another mentor' : 'Search mentors'}
        searchable
        searchValue={search}
        onSearchChange={setSearch}
        data={data}
        value={members.map((m) => String(m.mentorId))}
        onChange={onPick}
        filter={({ options }) => options}
        renderOption={({ option }) => (
          <div>
            <Text size="sm">{option.label}</Text>
            <Text size="xs" c="dimmed">
              {(option as unknown as { email: string }).email}
            </Text>
          </div>
        )}
        nothingFoundMessage={results.isFetching ? 'Searching…' : 'No mentor found'}
        hidePickedOptions={false}
        disabled={!!disabledReason}
        maxValues={20}
      />
      {disabledReason && (
        <Text size="sm" c="dimmed">
          {disabledReason}
        </Text>
      )}
      {members.length > 0 && (
        <Table.ScrollContainer minWidth={360}>
          <Table verticalSpacing="xs" aria-label="Roles of the selected mentors">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Mentor</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>
                  <span className="sr-only">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sortMembers(members).map((m) => (
                <Table.Tr key={m.mentorId}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {m.name}
                    </Text>
                    <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                      {m.email}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={`Role of ${m.name}`}
                      data={[...mentorRoles]}
                      value={m.role}
                      allowDeselect={false}
                      onChange={(role) => role && setMembers(setRole(members, m.mentorId, role as MentorRole))}
                      w={140}
                      size="xs"
                    />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} justify="flex-end">
                      {m.role !== 'Primary' && (
                        <Button
                          size="xs"
                          variant="light"
                          onClick={() => setMembers(setRole(members, m.mentorId, 'Primary'))}
                        >
                          Make Primary
                        </Button>
                      )}
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => setMembers(removeMember(members, m.mentorId))}
                        aria-label={`Remove ${m.name}`}
                      >
                        Remove
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {members.length > 0 && !currentPrimary && (
        <Alert color="orange" title="No Primary mentor">
          This worklet will have no Primary mentor. Use “Make Primary” on one of the mentors.
        </Alert>
      )}
      {changes.length > 0 && (
        <Alert color="blue" title="Unsaved changes" aria-live="polite">
          <List size="sm">
            {changes.map((c) => (
              <List.Item key={`${c.kind}-${c.member.mentorId}`}>{describeChange(c)}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {save.error && (
        <Alert color="red" role="alert" title="Not saved">
          {errorMessage(save.error)}
        </Alert>
      )}
      <Group>
        <Button onClick={submit} disabled={changes.length === 0} loading={save.isPending}>
          Save mentors
        </Button>
        <Button variant="default" onClick={() => setMembers(saved)} disabled={changes.length === 0}>
          Discard changes
        </Button>
      </Group>
    </Stack>
  );
}
