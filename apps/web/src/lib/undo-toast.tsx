/**
 * The success toast of every save, with an Undo button when the save changed something
 * (the API returns the save's `batchId`). Undo calls batches.undo: the toast then says it
 * was undone, or, when the API refuses (something changed since), lists what cannot be
 * undone and why. Notifications render inside the app's providers (main.tsx), so the
 * button can call the API itself.
 */
import { Button, Group, List, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { ReactNode } from 'react';
import { trpc } from '../trpc.ts';
import { errorMessage, undoBlockers } from './api-errors.ts';

/** How long a toast with Undo stays (hovering it pauses the countdown). */
const undoWindowMs = 12_000;

let sequence = 0;

export function showSavedToast({
  title,
  message,
  batchId,
}: {
  title: string;
  message: ReactNode;
  batchId: number | null | undefined;
}) {
  if (!batchId) {
    notifications.show({ color: 'green', title, message });
    return;
  }
  const id = `saved-${batchId}-${++sequence}`;
  notifications.show({
    id,
    color: 'green',
    title,
    autoClose: undoWindowMs,
    message: (
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Text size="sm">{message}</Text>
        <UndoButton batchId={batchId} notificationId={id} what={title} />
      </Group>
    ),
  });
}

/** Undo of one batch, for the toast above and for the bulk results. */
export function UndoButton({
  batchId,
  notificationId,
  what,
  onUndone,
}: {
  batchId: number;
  notificationId?: string;
  what: string;
  onUndone?: () => void;
}) {
  const undo = useUndo();
  return (
    <Button
      size="xs"
      variant="light"
      style={{ flexShrink: 0 }}
      aria-label={`Undo: ${what}`}
      loading={undo.isPending}
      disabled={undo.isPending || undo.isSuccess}
      onClick={async () => {
        const undone = await undo.run(batchId);
        if (notificationId) notifications.hide(notificationId);
        if (undone) onUndone?.();
      }}
    >
      Undo
    </Button>
  );
}

/** batches.undo with its report (a toast) and the refreshed screens; `run` tells whether it was undone. */
function useUndo() {
  const utils = trpc.useUtils();
  const undo = trpc.batches.undo.useMutation();
  async function run(batchId: number): Promise<boolean> {
    try {
      await undo.mutateAsync({ batchId });
      // An undo can touch worklets, their mentors, history, mentors' loads and users' restorable lists.
      await utils.invalidate();
      notifications.show({ color: 'blue', title: 'Undone', message: 'The change was reverted.' });
      return true;
    } catch (error) {
      // The screens show what changed since, which is why it was refused.
      await utils.invalidate();
      notifications.show({ color: 'red', title: 'Not undone', autoClose: false, message: <Refusal error={error} /> });
      return false;
    }
  }
  return { run, isPending: undo.isPending, isSuccess: undo.isSuccess };
}

function Refusal({ error }: { error: unknown }) {
  const blockers = undoBlockers(error);
  if (blockers.length === 0) return <Text size="sm">{errorMessage(error)}</Text>;
  return (
    <Stack gap={4}>
      <Text size="sm">Nothing was undone:</Text>
      <List size="sm">
        {blockers.map((b) => (
          <List.Item key={`${b.workletId}-${b.reason}`}>{b.reason}</List.Item>
        ))}
      </List>
    </Stack>
  );
}
