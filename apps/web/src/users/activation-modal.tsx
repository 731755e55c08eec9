import { Checkbox, List, Loader, Stack, Text } from '@mantine/core';
import type { RouterOutputs } from '@worklets/api';
import { useState } from 'react';
import { ConfirmModal } from '../lib/confirm-modal.tsx';
import { showSavedToast } from '../lib/undo-toast.tsx';
import { trpc } from '../trpc.ts';

type User = RouterOutputs['users']['list']['items'][number];

/**
 * Deactivating a user is confirmed, with what it does: they are signed out everywhere and, for
 * a mentor, removed from each worklet listed. Reactivating lets them sign in again and offers
 * to restore the assignments their deactivation ended (each checked when it can be restored).
 */
export function ActivationModal({ user, onClose }: { user: User; onClose: () => void }) {
  const utils = trpc.useUtils();
  const deactivating = user.isActive;
  const worklets = trpc.assignments.mentorWorklets.useQuery(
    { mentorId: user.id },
    { enabled: deactivating && user.role === 'mentor' },
  );
  const restorable = trpc.users.deactivationRestorable.useQuery({ id: user.id }, { enabled: !deactivating });
  const [unchecked, setUnchecked] = useState<Set<number>>(new Set());
  const restore = (restorable.data?.rows ?? []).filter((r) => r.restoreAs && !unchecked.has(r.assignmentId));
  const setActive = trpc.users.setActive.useMutation();
  const verb = deactivating ? 'Deactivate' : 'Reactivate';

  async function confirm() {
    try {
      const result = await setActive.mutateAsync({
        id: user.id,
        isActive: !deactivating,
        ...(deactivating ? {} : { restoreAssignmentIds: restore.map((r) => r.assignmentId) }),
      });
      await Promise.all([
        utils.users.invalidate(),
        utils.worklets.invalidate(),
        utils.mentors.invalidate(),
        utils.assignments.invalidate(),
        utils.history.invalidate(),
      ]);
      const restored = result.restored.filter((r) => r.restoreAs).length;
      showSavedToast({
        title: deactivating ? 'User deactivated' : 'User reactivated',
        message: deactivating
          ? `${user.name} is signed out everywhere.`
          : `${user.name} can sign in again${restored > 0 ? `; ${restored} assignment${restored === 1 ? '' : 's'} restored` : ''}.`,
        // A deactivation is undone by reactivating (which offers the restore); a restore can be undone.
        batchId: deactivating ? null : result.batchId,
      });
      onClose();
    } catch {
      // Shown in the dialog.
    }
  }

  return (
    <ConfirmModal
      title={`${verb} ${user.name}?`}
      onClose={onClose}
      onConfirm={confirm}
      confirmLabel={`${verb} ${user.name}`}
      color={deactivating ? 'red' : 'blue'}
      pending={setActive.isPending}
      error={setActive.error}
    >
      {deactivating ? (
        <Text size="sm">{user.name} will be signed out everywhere and can no longer sign in.</Text>
      ) : (
        <Text size="sm">{user.name} will be able to sign in again.</Text>
      )}
      {!deactivating && (
        <RestoreList
          loading={restorable.isPending}
          rows={restorable.data?.rows ?? []}
          unchecked={unchecked}
          onToggle={(id, checked) =>
            setUnchecked((previous) => {
              const next = new Set(previous);
              if (checked) next.delete(id);
              else next.add(id);
              return next;
            })
          }
        />
      )}
      {deactivating && user.role === 'mentor' && (
        <AffectedWorklets loading={worklets.isPending} worklets={worklets.data ?? []} />
      )}
    </ConfirmModal>
  );
}

function AffectedWorklets({
  loading,
  worklets,
}: {
  loading: boolean;
  worklets: { workletId: number; title: string; role: string }[];
}) {
  if (loading) return <Loader size="sm" aria-label="Loading their worklets" />;
  if (worklets.length === 0) return <Text size="sm">They mentor no active worklet.</Text>;
  return (
    <div>
      <Text size="sm" fw={500}>
        They will be removed from {worklets.length} worklet{worklets.length === 1 ? '' : 's'} (kept in the history):
      </Text>
      <List size="sm">
        {worklets.map((w) => (
          <List.Item key={w.workletId}>
            {w.title} ({w.role})
          </List.Item>
        ))}
      </List>
    </div>
  );
}

type RestoreRow = RouterOutputs['users']['deactivationRestorable']['rows'][number];

function RestoreList({
  loading,
  rows,
  unchecked,
  onToggle,
}: {
  loading: boolean;
  rows: RestoreRow[];
  unchecked: Set<number>;
  onToggle: (assignmentId: number, checked: boolean) => void;
}) {
  if (loading) return <Loader size="sm" aria-label="Loading the assignments their deactivation ended" />;
  if (rows.length === 0) return null;
  return (
    <Stack gap="xs" role="group" aria-label="Assignments to restore">
      <Text size="sm" fw={500}>
        Their deactivation ended {rows.length} assignment{rows.length === 1 ? '' : 's'}. Restore:
      </Text>
      {rows.map((r) => (
        <Checkbox
          key={r.assignmentId}
          label={`${r.title || `Worklet #${r.workletId}`} (${r.restoreAs ?? r.formerRole})`}
          description={r.note}
          disabled={!r.restoreAs}
          checked={r.restoreAs !== null && !unchecked.has(r.assignmentId)}
          onChange={(e) => onToggle(r.assignmentId, e.currentTarget.checked)}
        />
      ))}
    </Stack>
  );
}
