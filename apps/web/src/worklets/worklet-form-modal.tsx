import { Select, Textarea, TextInput } from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { createWorkletInput, type WorkletStatus, workletStatus, workletStatuses } from '@worklets/validators/worklets';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { fieldErrors, staleWrite } from '../lib/api-errors.ts';
import { FormModal } from '../lib/form-modal.tsx';
import { useSubmitOnce } from '../lib/idempotency.ts';
import { showSavedToast } from '../lib/undo-toast.tsx';
import { trpc } from '../trpc.ts';
import { StaleWriteAlert } from './stale-write-alert.tsx';

type Existing = { id: number; title: string; description: string; status: WorkletStatus; version: number };
type Values = { title: string; description: string; status: WorkletStatus };

const label = (s: WorkletStatus) => s[0]!.toUpperCase() + s.slice(1);
/** The fields checked in the browser with the API's own schema, before anything is sent. */
const fields = createWorkletInput.pick({ title: true, description: true }).extend({ status: workletStatus });

/**
 * Create a worklet, or edit one when `worklet` is given. Fields are checked in the browser
 * with the API's zod schema (the same messages), and the server's field errors show in the
 * same places. An edit carries the version it started from: when someone else saved in
 * between, the dialog lists their changes, keeps these edits, and the next Save applies them
 * over the current version.
 */
export function WorkletFormModal({ onClose, worklet }: { onClose: () => void; worklet?: Existing }) {
  const utils = trpc.useUtils();
  const [, navigate] = useLocation();
  const form = useForm<Values>({
    initialValues: {
      title: worklet?.title ?? '',
      description: worklet?.description ?? '',
      status: worklet?.status ?? 'draft',
    },
    validate: schemaResolver(fields, { sync: true }),
  });
  const [version, setVersion] = useState(worklet?.version ?? 0);
  const create = trpc.worklets.create.useMutation();
  const update = trpc.worklets.update.useMutation();
  const mutation = worklet ? update : create;
  const errors = { ...fieldErrors(mutation.error), ...form.errors };
  const stale = staleWrite(update.error);

  const submit = useSubmitOnce(async (idempotencyKey) => {
    if (form.validate().hasErrors) return;
    const { title, description, status } = form.getValues();
    try {
      const saved: { id: number; title: string; batchId?: number | null } = worklet
        ? await update.mutateAsync({ id: worklet.id, expectedVersion: version, title, description, status })
        : await create.mutateAsync({
            idempotencyKey,
            title,
            description,
            status: status === 'archived' ? 'draft' : status,
          });
      await utils.worklets.invalidate();
      showSavedToast({
        title: worklet ? 'Worklet saved' : 'Worklet created',
        message: saved.title,
        batchId: saved.batchId,
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
      <TextInput label="Title" required {...form.getInputProps('title')} error={errors.title} data-autofocus />
      <Textarea
        label="Description"
        autosize
        minRows={3}
        {...form.getInputProps('description')}
        error={errors.description}
      />
      <Select
        label="Status"
        data={statusOptions.map((s) => ({ value: s, label: label(s) }))}
        {...form.getInputProps('status')}
        error={errors.status}
        allowDeselect={false}
      />
    </FormModal>
  );
}
