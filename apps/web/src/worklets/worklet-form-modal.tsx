import { Alert, Button, Group, Modal, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type WorkletStatus, workletStatuses } from '@worklets/validators/worklets';
import { type FormEvent, useState } from 'react';
import { useLocation } from 'wouter';
import { errorMessage, fieldErrors } from '../lib/api-errors.ts';
import { trpc } from '../trpc.ts';

type Existing = { id: number; title: string; description: string; status: WorkletStatus };

/** Create a worklet, or edit one when `worklet` is given. Field errors come from the API's zod schema. */
export function WorkletFormModal({
  opened,
  onClose,
  worklet,
}: {
  opened: boolean;
  onClose: () => void;
  worklet?: Existing;
}) {
  const utils = trpc.useUtils();
  const [, navigate] = useLocation();
  const [title, setTitle] = useState(worklet?.title ?? '');
  const [description, setDescription] = useState(worklet?.description ?? '');
  const [status, setStatus] = useState<WorkletStatus>(worklet?.status ?? 'draft');
  const create = trpc.worklets.create.useMutation();
  const update = trpc.worklets.update.useMutation();
  const mutation = worklet ? update : create;
  const errors = fieldErrors(mutation.error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      const saved = worklet
        ? await update.mutateAsync({ id: worklet.id, title, description, status })
        : await create.mutateAsync({ title, description, status: status === 'archived' ? 'draft' : status });
      await utils.worklets.invalidate();
      notifications.show({
        color: 'green',
        title: worklet ? 'Worklet saved' : 'Worklet created',
        message: saved.title,
      });
      onClose();
      if (!worklet) navigate(`/worklets/${saved.id}`);
    } catch {
      // Shown in the form.
    }
  }

  const statusOptions = worklet ? workletStatuses : workletStatuses.filter((s) => s !== 'archived');
  return (
    <Modal opened={opened} onClose={onClose} title={worklet ? 'Edit worklet' : 'New worklet'} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          {mutation.error && !Object.keys(errors).length && (
            <Alert color="red" role="alert">
              {errorMessage(mutation.error)}
            </Alert>
          )}
          <TextInput
            label="Title"
            required
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            error={errors.title}
            data-autofocus
          />
          <Textarea
            label="Description"
            autosize
            minRows={3}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            error={errors.description}
          />
          <Select
            label="Status"
            data={statusOptions.map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) }))}
            value={status}
            onChange={(v) => v && setStatus(v as WorkletStatus)}
            error={errors.status}
            allowDeselect={false}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              {worklet ? 'Save' : 'Create worklet'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
