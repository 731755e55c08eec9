import { Alert, Loader, Stack, Text, Title } from '@mantine/core';
import type { SessionUser } from '@worklets/api';
import { errorMessage } from '../lib/api-errors.ts';
import { trpc } from '../trpc.ts';
import { MentorWorklets } from './mentor-worklets.tsx';

/** What a signed-in mentor sees first: the worklets they mentor and their role on each. */
export function MyWorkletsPage({ user }: { user: SessionUser }) {
  const worklets = trpc.assignments.mentorWorklets.useQuery(
    { mentorId: user.id },
    { enabled: user.role !== 'student' },
  );
  return (
    <Stack>
      <Title order={1} size="h2">
        My worklets
      </Title>
      {user.role === 'student' && <Text c="dimmed">Students see their worklets on the Worklets page.</Text>}
      {worklets.isPending && user.role !== 'student' && <Loader aria-label="Loading your worklets" />}
      {worklets.isError && (
        <Alert color="red" role="alert">
          {errorMessage(worklets.error)}
        </Alert>
      )}
      {worklets.data && <MentorWorklets rows={worklets.data} />}
    </Stack>
  );
}
