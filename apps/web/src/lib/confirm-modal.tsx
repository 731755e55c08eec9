import { Alert, Button, Group, Modal, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { errorMessage } from './api-errors.ts';

/**
 * A question before an action that is hard to take back: what it does, Cancel (focused
 * first) and the action, which is disabled while it runs; a failure is shown in the dialog.
 */
export function ConfirmModal({
  title,
  onClose,
  onConfirm,
  confirmLabel,
  color,
  pending,
  error,
  children,
}: {
  title: string;
  onClose: () => void;
  onConfirm: () => void;
  confirmLabel: string;
  color: 'red' | 'blue';
  pending: boolean;
  error: unknown;
  children: ReactNode;
}) {
  return (
    <Modal opened onClose={onClose} title={title} closeButtonProps={{ 'aria-label': 'Close' }}>
      <Stack>
        {children}
        {error != null && (
          <Alert color="red" role="alert">
            {errorMessage(error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button color={color} onClick={onConfirm} loading={pending} disabled={pending}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
