import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { RouterOutputs, SessionUser } from '@worklets/api';
import { type UserRole, userRoles } from '@worklets/validators/users';
import { useState } from 'react';
import { AccountLinkModal, type ShownLink } from '../accounts/account-link-modal.tsx';
import { errorMessage } from '../lib/api-errors.ts';
import { LoadMore } from '../lib/load-more.tsx';
import { trpc } from '../trpc.ts';
import { ActivationModal } from './activation-modal.tsx';
import { UserFormModal } from './user-form-modal.tsx';

type User = RouterOutputs['users']['list']['items'][number];

export function UsersPage({ user: me }: { user: SessionUser }) {
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search.trim(), 250);
  const [role, setRole] = useState<UserRole | undefined>();
  const [includeInactive, setIncludeInactive] = useState(true);
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const list = trpc.users.list.useInfiniteQuery(
    { limit: 50, search: query || undefined, role, includeInactive },
    { getNextPageParam: (last) => last.nextCursor, placeholderData: (previous) => previous },
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  const [confirming, setConfirming] = useState<User | null>(null);
  const [shownLink, setShownLink] = useState<ShownLink | null>(null);
  const resend = trpc.accounts.resendInvitation.useMutation();
  const reset = trpc.accounts.resetPassword.useMutation();
  const linkError = resend.error ?? reset.error;

  async function makeLink(u: User, kind: ShownLink['kind']) {
    try {
      const made = await (kind === 'invitation' ? resend : reset).mutateAsync({ id: u.id });
      setShownLink({ kind, name: u.name, ...made });
    } catch {
      // Shown above the table.
    }
  }

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Users
        </Title>
        <Button onClick={() => setEditing('new')}>New user</Button>
      </Group>
      <Group align="flex-end">
        <TextInput
          label="Search users"
          placeholder="Name or email"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
        />
        <Select
          label="Role"
          placeholder="Any role"
          clearable
          data={[...userRoles]}
          value={role ?? null}
          onChange={(v) => setRole((v as UserRole) ?? undefined)}
          w={160}
        />
        <Checkbox
          label="Show deactivated"
          checked={includeInactive}
          onChange={(e) => setIncludeInactive(e.currentTarget.checked)}
          mb={8}
        />
      </Group>
      {list.isPending && <Loader aria-label="Loading users" />}
      {list.isError && (
        <Alert color="red" role="alert">
          {errorMessage(list.error)}
        </Alert>
      )}
      {linkError && (
        <Alert color="red" role="alert">
          {errorMessage(linkError)}
        </Alert>
      )}
      {list.isSuccess && items.length === 0 && <Text c="dimmed">No users match.</Text>}
      {items.length > 0 && (
        <Table striped aria-label="Users" className="stack-on-phone">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>
                <span className="sr-only">Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((u) => (
              <Table.Tr key={u.id}>
                <Table.Td fw={500}>{u.name}</Table.Td>
                <Table.Td data-label="Email">{u.email}</Table.Td>
                <Table.Td data-label="Role">{u.role}</Table.Td>
                <Table.Td data-label="Status">
                  {u.isActive ? (
                    <Badge color="green" variant="light">
                      active
                    </Badge>
                  ) : (
                    <Badge color="gray">deactivated</Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end">
                    <Button size="xs" variant="default" onClick={() => setEditing(u)} aria-label={`Edit ${u.name}`}>
                      Edit
                    </Button>
                    {u.isActive && (
                      <>
                        <Button
                          size="xs"
                          variant="default"
                          onClick={() => makeLink(u, 'invitation')}
                          aria-label={`Re-send invitation to ${u.name}`}
                        >
                          Re-send invitation
                        </Button>
                        <Button
                          size="xs"
                          variant="default"
                          onClick={() => makeLink(u, 'password_reset')}
                          aria-label={`Reset password of ${u.name}`}
                        >
                          Reset password
                        </Button>
                      </>
                    )}
                    {u.id !== me.id && (
                      <Button
                        size="xs"
                        variant="light"
                        color={u.isActive ? 'red' : 'green'}
                        onClick={() => setConfirming(u)}
                        aria-label={`${u.isActive ? 'Deactivate' : 'Reactivate'} ${u.name}`}
                      >
                        {u.isActive ? 'Deactivate' : 'Reactivate'}
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMore query={list} label="Load more users" />
      {confirming && <ActivationModal user={confirming} onClose={() => setConfirming(null)} />}
      {editing && (
        <UserFormModal
          onClose={() => setEditing(null)}
          onInvited={setShownLink}
          user={editing === 'new' ? undefined : editing}
        />
      )}
      {shownLink && <AccountLinkModal shown={shownLink} onClose={() => setShownLink(null)} />}
    </Stack>
  );
}
