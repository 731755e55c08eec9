import { Alert, Badge, Button, Group, Loader, PasswordInput, Stack, Table, Text, Title } from '@mantine/core';
import type { RouterOutputs, SessionUser } from '@worklets/api';
import { changePasswordInput } from '@worklets/validators/passwords';
import { type FormEvent, useRef, useState } from 'react';
import { errorMessage, fieldErrors } from '../lib/api-errors.ts';
import { trpc } from '../trpc.ts';

type Session = RouterOutputs['accounts']['sessions'][number];

const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

/** A short name for a browser's user agent ("Chrome on Linux"), or the raw text. */
function deviceName(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrome\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : null;
  const os = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Windows/.test(userAgent)
        ? 'Windows'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null;
  return browser ? `${browser}${os ? ` on ${os}` : ''}` : userAgent.slice(0, 60);
}

function ChangePassword() {
  const utils = trpc.useUtils();
  const change = trpc.accounts.changePassword.useMutation();
  const [values, setValues] = useState({ currentPassword: '', newPassword: '' });
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const currentRef = useRef<HTMLInputElement>(null);
  const [done, setDone] = useState<string | null>(null);
  const doneRef = useRef<HTMLDivElement>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = await changePasswordInput.safeParseAsync(values);
    if (!parsed.success) {
      const found: Record<string, string> = {};
      for (const issue of parsed.error.issues) found[String(issue.path[0])] ??= issue.message;
      return setErrors(found);
    }
    setErrors({});
    setDone(null);
    try {
      const result = await change.mutateAsync(parsed.data);
      setValues({ currentPassword: '', newPassword: '' });
      await utils.accounts.sessions.invalidate();
      setDone(
        result.endedSessions > 0
          ? `Password changed. Your ${result.endedSessions} other session${result.endedSessions === 1 ? ' was' : 's were'} signed out.`
          : 'Password changed. Use it the next time you sign in.',
      );
      requestAnimationFrame(() => doneRef.current?.focus());
    } catch (error) {
      setErrors(fieldErrors(error));
      currentRef.current?.focus();
    }
  }

  const serverError = change.error && Object.keys(fieldErrors(change.error)).length === 0 ? change.error : null;
  return (
    <form onSubmit={submit} aria-labelledby="change-password-title" noValidate>
      <Stack maw={420}>
        <Title order={2} size="h3" id="change-password-title">
          Change password
        </Title>
        {done && (
          <Alert color="green" role="status" ref={doneRef} tabIndex={-1}>
            {done}
          </Alert>
        )}
        {serverError && (
          <Alert color="red" role="alert">
            {errorMessage(serverError)}
          </Alert>
        )}
        <PasswordInput
          ref={currentRef}
          label="Current password"
          autoComplete="current-password"
          required
          value={values.currentPassword}
          onChange={(e) => setValues({ ...values, currentPassword: e.currentTarget.value })}
          error={errors.currentPassword}
        />
        <PasswordInput
          label="New password"
          description="At least 12 characters; not a common password. Your other sessions will be signed out."
          autoComplete="new-password"
          required
          value={values.newPassword}
          onChange={(e) => setValues({ ...values, newPassword: e.currentTarget.value })}
          error={errors.newPassword}
        />
        <Group>
          <Button type="submit" loading={change.isPending}>
            Change password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Sessions() {
  const utils = trpc.useUtils();
  const sessions = trpc.accounts.sessions.useQuery();
  const endOne = trpc.accounts.endSession.useMutation();
  const endOthers = trpc.accounts.endOtherSessions.useMutation();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const error = endOne.error ?? endOthers.error;

  async function end(action: () => Promise<unknown>) {
    try {
      await action();
      await utils.accounts.sessions.invalidate();
      headingRef.current?.focus();
    } catch {
      // Shown above the table.
    }
  }

  const others = (sessions.data ?? []).filter((s) => !s.current);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} size="h3" id="sessions-title" ref={headingRef} tabIndex={-1}>
          Where you are signed in
        </Title>
        <Button
          variant="light"
          color="red"
          disabled={others.length === 0}
          loading={endOthers.isPending}
          onClick={() => end(() => endOthers.mutateAsync())}
        >
          End all other sessions
        </Button>
      </Group>
      {sessions.isPending && <Loader aria-label="Loading sessions" />}
      {(sessions.error || error) && (
        <Alert color="red" role="alert">
          {errorMessage(sessions.error ?? error)}
        </Alert>
      )}
      {sessions.data && (
        <Table striped aria-labelledby="sessions-title" className="stack-on-phone">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Device</Table.Th>
              <Table.Th>Address</Table.Th>
              <Table.Th>Signed in</Table.Th>
              <Table.Th>Last active</Table.Th>
              <Table.Th>
                <span className="sr-only">Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sessions.data.map((s: Session) => (
              <Table.Tr key={s.id}>
                <Table.Td fw={500}>
                  {deviceName(s.userAgent)}{' '}
                  {s.current && (
                    <Badge variant="light" color="green">
                      this device
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td data-label="Address">{s.ipAddress ?? 'unknown'}</Table.Td>
                <Table.Td data-label="Signed in">{when.format(s.createdAt)}</Table.Td>
                <Table.Td data-label="Last active">{when.format(s.updatedAt)}</Table.Td>
                <Table.Td>
                  {!s.current && (
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => end(() => endOne.mutateAsync({ id: s.id }))}
                      aria-label={`End session on ${deviceName(s.userAgent)}, last active ${when.format(s.updatedAt)}`}
                    >
                      End
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {sessions.data && others.length === 0 && <Text c="dimmed">You are not signed in anywhere else.</Text>}
    </Stack>
  );
}

/** /account: the signed-in person's password and sessions. */
export function AccountPage({ user }: { user: SessionUser }) {
  return (
    <Stack gap="xl">
      <Stack gap={4}>
        <Title order={1} size="h2">
          Your account
        </Title>
        <Text c="dimmed">
          {user.name} · {user.email}
        </Text>
      </Stack>
      <ChangePassword />
      <Sessions />
    </Stack>
  );
}
