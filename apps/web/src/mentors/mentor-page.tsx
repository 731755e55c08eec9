import { Alert, Anchor, Badge, Card, Grid, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { RouterOutputs } from '@worklets/api';
import { Link } from 'wouter';
import { errorMessage } from '../lib/api-errors.ts';
import { trpc } from '../trpc.ts';
import { HistoryTimeline } from '../worklets/history-timeline.tsx';
import { AssignToWorklet } from './assign-to-worklet.tsx';
import { MentorCapacityControl } from './capacity-controls.tsx';
import { MentorWorklets } from './mentor-worklets.tsx';
import { loadLabel, OverCapacityBadge } from './workload.tsx';

export function MentorPage({ id }: { id: number }) {
  const mentor = trpc.mentors.byId.useQuery({ mentorId: id });
  const worklets = trpc.assignments.mentorWorklets.useQuery({ mentorId: id });
  const history = trpc.history.forMentor.useInfiniteQuery(
    { mentorId: id, limit: 20 },
    { getNextPageParam: (last) => last.nextCursor },
  );
  if (mentor.isPending) return <Loader aria-label="Loading mentor" />;
  if (mentor.isError) {
    return (
      <Alert color="red" role="alert">
        {errorMessage(mentor.error)}
      </Alert>
    );
  }
  const m = mentor.data;
  return (
    <Stack>
      <Anchor component={Link} href="/mentors" size="sm">
        ← All mentors
      </Anchor>
      <Group gap="sm">
        <Title order={1} size="h2">
          {m.name}
        </Title>
        {!m.isActive && <Badge color="gray">deactivated</Badge>}
        <OverCapacityBadge over={m.overCapacity} />
      </Group>
      <Text c="dimmed">{m.email}</Text>
      <Workload mentor={m} />
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Card withBorder>
            <Title order={2} size="h4" mb="sm">
              Worklets
            </Title>
            {worklets.isPending ? (
              <Loader size="sm" />
            ) : worklets.isError ? (
              <Text c="red">{errorMessage(worklets.error)}</Text>
            ) : (
              <MentorWorklets rows={worklets.data} />
            )}
          </Card>
          {m.isActive && (
            <Card withBorder mt="md" component="section" aria-labelledby="assign-heading">
              <Title order={2} size="h4" mb="sm" id="assign-heading">
                Assign to a worklet
              </Title>
              <AssignToWorklet mentor={m} />
            </Card>
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card withBorder>
            <Title order={2} size="h4" mb="sm">
              History
            </Title>
            {history.isPending ? (
              <Loader size="sm" />
            ) : (
              <HistoryTimeline
                showWorklet
                entries={history.data?.pages.flatMap((p) => p.items) ?? []}
                onMore={history.hasNextPage ? () => history.fetchNextPage() : undefined}
                loadingMore={history.isFetchingNextPage}
              />
            )}
          </Card>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

type Mentor = RouterOutputs['mentors']['byId'];

/** Open worklets by role against the mentor's capacity, and the capacity's edit control. */
function Workload({ mentor }: { mentor: Mentor }) {
  const roles = ['Primary', 'Secondary', 'Collaborator'] as const;
  return (
    <Card withBorder component="section" aria-labelledby="workload-heading">
      <Title order={2} size="h4" mb="sm" id="workload-heading">
        Workload
      </Title>
      <Group justify="space-between" align="flex-end" gap="lg">
        <Stack gap={4}>
          <Text fw={600}>
            Open worklets: {loadLabel(mentor)}
            {mentor.ownCapacity === null ? ' (program default capacity)' : ' (own capacity)'}
          </Text>
          <SimpleGrid cols={3} spacing="lg" component="dl" m={0}>
            {roles.map((role) => (
              <div key={role}>
                <Text component="dt" size="sm" c="dimmed">
                  {role}
                </Text>
                <Text component="dd" m={0} fw={600}>
                  {mentor.workload[role]}
                </Text>
              </div>
            ))}
          </SimpleGrid>
        </Stack>
        <MentorCapacityControl mentor={mentor} />
      </Group>
    </Card>
  );
}
