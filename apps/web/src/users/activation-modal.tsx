import { List, Loader, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { RouterOutputs } from '@worklets/api';
import { ConfirmModal } from '../lib/confirm-modal.tsx';
import { trpc } from '../trpc.ts';

type User = RouterOutputs['users']['list']['items'][number];

/**
 * Deactivating a user is confirmed, with what it does: they are signed out everywhere and, for
 * a mentor, removed from each worklet listed. Reactivating lets them sign in again.
 */
export function ActivationModal({ user, onClose }: { user: User; onClose: () => void }) {
  const utils = trpc.useUtils();
  const deactivating = user.isActive;
  const worklets = trpc.assignments.mentorWorklets.useQuery(
    { mentorId: user.id },
    { enabled: deactivating && user.role === 'mentor' },
  );
  const setActive = trpc.users.setActive.useMutation();
  const verb = deactivating ? 'Deactivate' : 'Reactivate';

  async function confirm() {
    try {
      await setActive.mutateAsync({ id: user.id, isActive: !deactivating });
      await Promise.all([utils.users.invalidate(), utils.worklets.invalidate(), utils.mentors.invalidate()]);
      notifications.show({
        color: 'green',
        title: deactivating ? 'User deactivated' : 'User reactivated',
        message: deactivating ? `${user.name} is signed out everywhere.` : `${user.name} can sign in again.`,
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
