/**
 * The signed-in user's own notification switch (route /settings/notifications, linked from
 * the user menu): mail about their assignments on or off. Invitations and password resets
 * are sent regardless.
 */
import { Alert, Loader, Stack, Switch, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../lib/api-errors.ts';
import { trpc } from '../trpc.ts';

export function NotificationSettingsPage() {
  const utils = trpc.useUtils();
  const current = trpc.users.notifications.useQuery();
  const save = trpc.users.setNotifications.useMutation({
    onSuccess: (data) => utils.users.notifications.setData(undefined, data),
  });
  // The switch moves at once (a controlled switch would snap back until the request starts),
  // and goes back if the save fails.
  const [optimistic, setOptimistic] = useState<boolean | null>(null);
  return (
    <Stack maw={560}>
      <Title order={1} size="h2">
        Notifications
      </Title>
      {current.isPending && <Loader aria-label="Loading your notification setting" />}
      {current.isError && (
        <Alert color="red" role="alert">
          {errorMessage(current.error)}
        </Alert>
      )}
      {current.data && (
        <Switch
          label="Email me when my assignments change"
          description="Assigned, removed, a new role, a new co-mentor. A change of many worklets at once comes as one mail."
          checked={optimistic ?? current.data.enabled}
          disabled={save.isPending}
          onChange={(e) => {
            const enabled = e.currentTarget.checked;
            setOptimistic(enabled);
            save.mutate({ enabled }, { onSettled: () => setOptimistic(null) });
          }}
        />
      )}
      {save.isError && (
        <Alert color="red" role="alert">
          {errorMessage(save.error)}
        </Alert>
      )}
      <Text size="sm" c="dimmed" role="status">
        {save.isSuccess && (save.data.enabled ? 'Notifications are on.' : 'Notifications are off.')}
      </Text>
    </Stack>
  );
}
