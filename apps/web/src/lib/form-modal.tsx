import { Alert, Button, Group, Modal, Stack } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';
import { errorMessage } from './api-errors.ts';

/**
 * A dialog around a form: an error that belongs to no field at the top, Cancel and a submit
 * button that is disabled (and shows progress) while the save is pending.
 */
export function FormModal({
  title,
  onClose,
  onSubmit,
  pending,
  error,
  hasFieldErrors,
  submitLabel,
  size,
  children,
}: {
  title: string;
  onClose: () => void;
  onSubmit: () => void;
  pending: boolean;
  error: unknown;
  hasFieldErrors: boolean;
  submitLabel: string;
  size?: string;
  children: ReactNode;
}) {
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!pending) onSubmit();
  }
  return (
    <Modal opened onClose={onClose} title={title} size={size} closeButtonProps={{ 'aria-label': 'Close' }}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {error != null && !hasFieldErrors && (
            <Alert color="red" role="alert">
              {errorMessage(error)}
            </Alert>
          )}
          {children}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={pending} disabled={pending}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
