import { Button, Group, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { RouterOutputs } from '@worklets/api';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { ConfirmModal } from '../lib/confirm-modal.tsx';
import { formatDate, StatusBadge } from '../lib/roles.tsx';
import { trpc } from '../trpc.ts';
import { WorkletFormModal } from './worklet-form-modal.tsx';

type WorkletDetail = RouterOutputs['worklets']['byId'];

/** Title, status and description; for admins Edit, and Delete for a worklet nothing happened on yet. */
export function WorkletHeader({ worklet: w, admin }: { worklet: WorkletDetail; admin: boolean }) {
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  return (
    <>
      <Group justify="space-between" align="flex-start">
        <div style={{ minWidth: 0 }}>
          <Title order={1} size="h2" style={{ overflowWrap: 'anywhere' }}>
            {w.title}
          </Title>
          <Group gap="xs" mt={4}>
            <StatusBadge status={w.status} />
            <Text size="sm" c="dimmed">
              Created {formatDate(w.createdAt)}
            </Text>
          </Group>
        </div>
        {admin && (
          <Group gap="xs">
            <Button variant="default" onClick={() => setEditing(true)}>
              Edit worklet
            </Button>
            <Button variant="subtle" color="red" onClick={() => setDeleting(true)}>
              Delete
            </Button>
          </Group>
        )}
      </Group>
      {w.description && <Text style={{ overflowWrap: 'anywhere' }}>{w.description}</Text>}
      {editing && <WorkletFormModal onClose={() => setEditing(false)} worklet={w} />}
      {deleting && <DeleteWorkletModal worklet={w} onClose={() => setDeleting(false)} />}
    </>
  );
}

/** Deleting is for mistakes such as a duplicate; a worklet with assignment history is archived instead. */
function DeleteWorkletModal({ worklet: w, onClose }: { worklet: WorkletDetail; onClose: () => void }) {
  const utils = trpc.useUtils();
  const [, navigate] = useLocation();
  const remove = trpc.worklets.delete.useMutation();

  async function confirm() {
    try {
      await remove.mutateAsync({ workletId: w.id });
      await utils.worklets.invalidate();
      notifications.show({ color: 'green', title: 'Worklet deleted', message: w.title });
      navigate('/worklets');
    } catch {
      // Shown in the dialog.
    }
  }

  return (
    <ConfirmModal
      title="Delete this worklet?"
      onClose={onClose}
      onConfirm={confirm}
      confirmLabel="Delete worklet"
      color="red"
      pending={remove.isPending}
      error={remove.error}
    >
      <Text size="sm">
        “{w.title}” will be deleted for good. Only a worklet without assignment history can be deleted; archive the
        others.
      </Text>
    </ConfirmModal>
  );
}
