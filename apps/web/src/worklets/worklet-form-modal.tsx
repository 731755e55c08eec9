import { Select, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type WorkletStatus, workletStatuses } from '@worklets/validators/worklets';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { fieldErrors, staleWrite } from '../lib/api-errors.ts';
import { FormModal } from '../lib/form-modal.tsx';
import { useSubmitOnce } from '../lib/idempotency.ts';
import { trpc } from '../trpc.ts';
import { StaleWriteAlert } from './stale-write-alert.tsx';

type Existing = { id: number; title: string; description: string; status: WorkletStatus; version: number };

const label = (s: WorkletStatus) => s[0]!.toUpperCase() + s.slice(1);

/**
 * Create a worklet, or edit one when `worklet` is given. Field errors come from the API's
 * zod schema. An edit carries the version it started from: when someone else saved in
 * between, the dialog lists their changes, keeps these edits, and the next Save applies them
 * over the current version.
 */
export function WorkletFormModal({ onClose, worklet }: { onClose: () => void; worklet?: Existing }) {
  const utils = trpc.useUtils();
  const [, navigate] = useLocation();
  const [title, setTitle] = useState(worklet?.title ?? '');
  const [description, setDescription] = useState(worklet?.description ?? '');
  const [status, setStatus] = useState<WorkletStatus>(worklet?.status ?? 'draft');
  const [version, setVersion] = useState(worklet?.version ?? 0);
  const create = trpc.worklets.create.useMutation();
  const update = trpc.worklets.update.useMutation();
  const mutation = worklet ? update : create;
  const errors = fieldErrors(mutation.error);
  const stale = staleWrite(update.error);

  const submit = useSubmitOnce(async (idempotencyKey) => {
    try {
      const saved = worklet
        ? await update.mutateAsync({ id: worklet.id, expectedVersion: version, title, description, status })
        : await create.mutateAsync({
            idempotencyKey,
            title,
            description,
            status: status === 'archived' ? 'draft' : status,
          });
      await utils.worklets.invalidate();
      notifications.show({
        color: 'green',
        title: worklet ? 'Worklet saved' : 'Worklet created',
        message: saved.title,
      });
      onClose();
      if (!worklet) navigate(`/worklets/${saved.id}`);
    } catch (error) {
      // Shown in the form; after a stale save, the next one applies these edits to the current version.
      const current = staleWrite(error)?.currentVersion;
      if (current !== undefined) setVersion(current);
    }
  });

  const statusOptions = worklet ? workletStatuses : workletStatuses.filter((s) => s !== 'archived');
  return (
    <FormModal
      title={worklet ? 'Edit worklet' : 'New worklet'}
      size="lg"
      onClose={onClose}
      onSubmit={submit}
      pending={mutation.isPending}
      error={stale ? null : mutation.error}
      hasFieldErrors={Object.keys(errors).length > 0}
      submitLabel={worklet ? (stale ? 'Save my version' : 'Save') : 'Create worklet'}
    >
      {stale && (
        <StaleWriteAlert staleWrite={stale} action="Your edits are kept: Save applies them to the current version." />
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
        data={statusOptions.map((s) => ({ value: s, label: label(s) }))}
        value={status}
        onChange={(v) => v && setStatus(v as WorkletStatus)}
        error={errors.status}
        allowDeselect={false}
      />
    </FormModal>
  );
}
