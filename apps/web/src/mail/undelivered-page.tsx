/**
 * The admin's Mail screen (route /mail): mail that failed or has waited more than a few
 * minutes in the outbox, with its last error and next attempt, and "Retry now".
 */
import { Alert, Button, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { errorMessage } from '../lib/api-errors.ts';
import { trpc } from '../trpc.ts';

const kindLabel = {
  invitation: 'Invitation',
  password_reset: 'Password reset',
  notification: 'Notification',
  digest: 'Digest',
} as const;

const when = (date: Date) => date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function UndeliveredMailPage() {
  const utils = trpc.useUtils();
  const list = trpc.mail.undelivered.useQuery(undefined, { refetchInterval: 15_000 });
  const retry = trpc.mail.retryNow.useMutation({ onSuccess: () => utils.mail.undelivered.invalidate() });
  const items = list.data?.items ?? [];
  return (
    <Stack>
      <Title order={1} size="h2">
        Undelivered mail
      </Title>
      <Text c="dimmed" size="sm">
        Mail that could not be sent yet, or has waited more than five minutes. It is retried on its own; “Retry now”
        tries it at once. Without an SMTP server configured nothing is sent.
      </Text>
      {list.isPending && <Loader aria-label="Loading undelivered mail" />}
      {list.isError && (
        <Alert color="red" role="alert">
          {errorMessage(list.error)}
        </Alert>
      )}
      {retry.isError && (
        <Alert color="red" role="alert">
          {errorMessage(retry.error)}
        </Alert>
      )}
      <Text role="status" size="sm">
        {retry.isSuccess && 'The mail will be tried again in a moment.'}
      </Text>
      {list.isSuccess && items.length === 0 && <Text>All mail has been delivered.</Text>}
      {items.length > 0 && (
        <Table striped aria-label="Undelivered mail" className="stack-on-phone">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>To</Table.Th>
              <Table.Th>Subject</Table.Th>
              <Table.Th>Attempts</Table.Th>
              <Table.Th>Last error</Table.Th>
              <Table.Th>Next attempt</Table.Th>
              <Table.Th>
                <span className="sr-only">Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((m) => (
              <Table.Tr key={m.id}>
                <Table.Td data-label="To">{m.toEmail}</Table.Td>
                <Table.Td data-label="Subject">
                  {m.subject}{' '}
                  <Text span size="xs" c="dimmed">
                    ({kindLabel[m.kind]})
                  </Text>
                </Table.Td>
                <Table.Td data-label="Attempts">{m.attempts}</Table.Td>
                <Table.Td data-label="Last error">{m.lastError ?? '—'}</Table.Td>
                <Table.Td data-label="Next attempt">{when(m.nextAttemptAt)}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="light"
                    loading={retry.isPending && retry.variables?.id === m.id}
                    onClick={() => retry.mutate({ id: m.id })}
                    aria-label={`Retry now: ${m.subject} to ${m.toEmail}`}
                  >
                    Retry now
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {list.data?.more && <Text size="sm">Only the 200 oldest are shown.</Text>}
    </Stack>
  );
}
