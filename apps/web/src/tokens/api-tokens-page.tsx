import { Alert, Anchor, Badge, Button, Code, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { RouterOutputs } from '@worklets/api';
import { useRef, useState } from 'react';
import { errorMessage } from '../lib/api-errors.ts';
import { ConfirmModal } from '../lib/confirm-modal.tsx';
import { formatDate, formatDateTime } from '../lib/roles.tsx';
import { trpc } from '../trpc.ts';
import { ApiTokenFormModal, scopeLabels } from './api-token-form-modal.tsx';

type Token = RouterOutputs['apiTokens']['list'][number];

function TokenStatus({ token }: { token: Token }) {
  if (token.revokedAt) return <Badge color="gray">revoked</Badge>;
  if (token.expiresAt <= new Date()) return <Badge color="gray">expired</Badge>;
  return (
    <Badge color="green" variant="light">
      active
    </Badge>
  );
}

function TokenRow({ token, onRevoke }: { token: Token; onRevoke: (t: Token) => void }) {
  return (
    <Table.Tr>
      <Table.Td fw={500}>{token.name}</Table.Td>
      <Table.Td data-label="Scope">{scopeLabels[token.scope]}</Table.Td>
      <Table.Td data-label="Created">
        {formatDate(token.createdAt)} by {token.createdBy.name}
      </Table.Td>
      <Table.Td data-label="Expires">{formatDate(token.expiresAt)}</Table.Td>
      <Table.Td data-label="Last used">{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : 'never'}</Table.Td>
      <Table.Td data-label="Status">
        <TokenStatus token={token} />
      </Table.Td>
      <Table.Td>
        {!token.revokedAt && (
          <Group justify="flex-end">
            <Button
              size="xs"
              variant="light"
              color="red"
              onClick={() => onRevoke(token)}
              aria-label={`Revoke ${token.name}`}
            >
              Revoke
            </Button>
          </Group>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function TokensTable({ tokens, onRevoke }: { tokens: Token[]; onRevoke: (t: Token) => void }) {
  return (
    <Table striped aria-label="API tokens" className="stack-on-phone">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Name</Table.Th>
          <Table.Th>Scope</Table.Th>
          <Table.Th>Created</Table.Th>
          <Table.Th>Expires</Table.Th>
          <Table.Th>Last used</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>
            <span className="sr-only">Actions</span>
          </Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {tokens.map((t) => (
          <TokenRow key={t.id} token={t} onRevoke={onRevoke} />
        ))}
      </Table.Tbody>
    </Table>
  );
}

function RevokeModal({ token, onClose }: { token: Token; onClose: () => void }) {
  const utils = trpc.useUtils();
  const revoke = trpc.apiTokens.revoke.useMutation();
  async function confirm() {
    try {
      await revoke.mutateAsync({ id: token.id });
      await utils.apiTokens.invalidate();
      notifications.show({ color: 'green', title: 'Token revoked', message: token.name });
      onClose();
    } catch {
      // Shown in the dialog.
    }
  }
  return (
    <ConfirmModal
      title={`Revoke “${token.name}”?`}
      onClose={onClose}
      onConfirm={() => void confirm()}
      confirmLabel="Revoke token"
      color="red"
      pending={revoke.isPending}
      error={revoke.error}
    >
      <Text>Services using this token will be refused from now on. This cannot be undone.</Text>
    </ConfirmModal>
  );
}

/** Admins' API tokens for services that call the REST API (/api/v1). */
export function ApiTokensPage() {
  const list = trpc.apiTokens.list.useQuery();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  const closed = (close: () => void) => () => {
    close();
    // Back to a sensible place: the button that opened the dialog.
    requestAnimationFrame(() => newButton.current?.focus());
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          API tokens
        </Title>
        <Button ref={newButton} onClick={() => setCreating(true)}>
          New token
        </Button>
      </Group>
      <Text>
        Services in other languages call the REST API at <Code>/api/v1</Code> with{' '}
        <Code>Authorization: Bearer &lt;token&gt;</Code>; a token acts as the admin who created it. The API is described
        in its <Anchor href="/api/v1/openapi.json">OpenAPI document</Anchor>.
      </Text>
      {list.isPending && <Loader aria-label="Loading API tokens" />}
      {list.isError && (
        <Alert color="red" role="alert">
          {errorMessage(list.error)}
        </Alert>
      )}
      {list.isSuccess && list.data.length === 0 && <Text c="dimmed">No API tokens yet.</Text>}
      {list.isSuccess && list.data.length > 0 && <TokensTable tokens={list.data} onRevoke={setRevoking} />}
      {creating && <ApiTokenFormModal onClose={closed(() => setCreating(false))} />}
      {revoking && <RevokeModal token={revoking} onClose={closed(() => setRevoking(null))} />}
    </Stack>
  );
}
