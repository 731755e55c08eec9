import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { RouterOutputs } from '@worklets/api';
import { errorMessage } from '../lib/api-errors.ts';
import { RoleBadge } from '../lib/roles.tsx';
import { showSavedToast } from '../lib/undo-toast.tsx';
import { trpc } from '../trpc.ts';
import { toSetMembers } from './mentor-set.ts';
import { MentorSetEditor } from './mentor-set-editor.tsx';

type WorkletDetail = RouterOutputs['worklets']['byId'];

/** A worklet's mentors: the editor for admins, a list for everyone else; former mentors below. */
export function WorkletMentorsCard({ worklet: w, admin }: { worklet: WorkletDetail; admin: boolean }) {
  return (
    <Card withBorder component="section" aria-labelledby="mentors-heading">
      <Title order={2} size="h4" id="mentors-heading" mb="sm">
        Mentors
      </Title>
      {admin ? (
        <MentorSetEditor
          key={w.id}
          workletId={w.id}
          saved={toSetMembers(w.mentors)}
          version={w.version}
          disabledReason={
            w.status === 'archived' ? 'This worklet is archived: mentors can be removed but not added.' : undefined
          }
        />
      ) : (
        <ActiveMentorList mentors={w.mentors} />
      )}
      {w.inactiveMentors.length > 0 && <FormerMentors worklet={w} admin={admin} />}
      {w.legacyPrimaryMentor && (
        <Text size="xs" c="dimmed" mt="md">
          Legacy primary mentor (old system): {w.legacyPrimaryMentor.name}
        </Text>
      )}
    </Card>
  );
}

function ActiveMentorList({ mentors }: { mentors: WorkletDetail['mentors'] }) {
  if (mentors.length === 0) return <Text c="dimmed">No mentors yet.</Text>;
  return (
    <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {mentors.map((m) => (
        <Group key={m.assignmentId} component="li" gap="xs">
          <RoleBadge role={m.role} />
          <Text size="sm">{m.name}</Text>
          <Text size="xs" c="dimmed">
            {m.email}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}

function FormerMentors({ worklet: w, admin }: { worklet: WorkletDetail; admin: boolean }) {
  const utils = trpc.useUtils();
  const reactivate = trpc.assignments.reactivate.useMutation();

  async function bringBack(assignmentId: number, name: string) {
    try {
      const result = await reactivate.mutateAsync({ assignmentId });
      await Promise.all([utils.worklets.invalidate(), utils.history.invalidate()]);
      const role = result.mentors.find((m) => m.assignmentId === assignmentId)?.role;
      showSavedToast({ title: 'Mentor reactivated', message: `${name} is back as ${role}.`, batchId: result.batchId });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Not reactivated', message: errorMessage(error) });
    }
  }

  return (
    <Stack gap="xs" mt="md">
      <Title order={3} size="h6">
        Former mentors
      </Title>
      {w.inactiveMentors.map((m) => (
        <Group key={m.assignmentId} justify="space-between">
          <Text size="sm" c="dimmed">
            {m.name} (was {m.role})
          </Text>
          {admin && w.status !== 'archived' && (
            <Button
              size="xs"
              variant="light"
              onClick={() => bringBack(m.assignmentId, m.name)}
              loading={reactivate.isPending && reactivate.variables?.assignmentId === m.assignmentId}
            >
              Reactivate {m.name}
            </Button>
          )}
        </Group>
      ))}
    </Stack>
  );
}
