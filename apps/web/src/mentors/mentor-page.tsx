import { Alert, Anchor, Badge, Card, Grid, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { Link } from 'wouter';
import { errorMessage } from '../lib/api-errors.ts';
import { trpc } from '../trpc.ts';
import { HistoryTimeline } from '../worklets/history-timeline.tsx';
import { AssignToWorklet } from './assign-to-worklet.tsx';
import { MentorWorklets } from './mentor-worklets.tsx';

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
      </Group>
      <Text c="dimmed">
        {m.email} · {m.activeWorklets} active worklet{m.activeWorklets === 1 ? '' : 's'}
      </Text>
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
