import { Alert, Anchor, Card, Grid, Loader, Stack, Text, Title } from '@mantine/core';
import type { RouterOutputs, SessionUser } from '@worklets/api';
import { Link } from 'wouter';
import { errorMessage } from '../lib/api-errors.ts';
import { trpc } from '../trpc.ts';
import { HistoryTimeline } from './history-timeline.tsx';
import { WorkletHeader } from './worklet-header.tsx';
import { WorkletMentorsCard } from './worklet-mentors-card.tsx';

/** One worklet: its details, its mentors (the assignment screen for admins) and its history. */
export function WorkletDetailPage({ id, user }: { id: number; user: SessionUser }) {
  const admin = user.role === 'admin';
  const detail = trpc.worklets.byId.useQuery({ workletId: id }, { enabled: Number.isInteger(id) && id > 0 });

  if (detail.isPending) return <Loader aria-label="Loading worklet" />;
  if (detail.isError) {
    return (
      <Alert color="red" role="alert" title="Could not open this worklet">
        {errorMessage(detail.error)}{' '}
        <Anchor component={Link} href="/worklets">
          Back to worklets
        </Anchor>
      </Alert>
    );
  }
  const w = detail.data;
  return (
    <Stack>
      <Anchor component={Link} href="/worklets" size="sm">
        ← All worklets
      </Anchor>
      <WorkletHeader worklet={w} admin={admin} />
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <WorkletMentorsCard worklet={w} admin={admin} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <WorkletHistoryCard worklet={w} canSeeHistory={user.role !== 'student'} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function WorkletHistoryCard({
  worklet: w,
  canSeeHistory,
}: {
  worklet: RouterOutputs['worklets']['byId'];
  canSeeHistory: boolean;
}) {
  const older = trpc.history.forWorklet.useInfiniteQuery(
    { workletId: w.id, limit: 20 },
    { enabled: false, getNextPageParam: (last) => last.nextCursor, initialCursor: w.history.nextCursor },
  );
  const history = [...w.history.items, ...(older.data?.pages.flatMap((p) => p.items) ?? [])];
  const moreHistory = older.data ? older.hasNextPage : w.history.nextCursor !== null;
  return (
    <Card withBorder component="section" aria-labelledby="history-heading">
      <Title order={2} size="h4" id="history-heading" mb="sm">
        History
      </Title>
      {canSeeHistory ? (
        <HistoryTimeline
          entries={history}
          onMore={moreHistory ? () => older.fetchNextPage() : undefined}
          loadingMore={older.isFetching}
        />
      ) : (
        <Text c="dimmed" size="sm">
          The assignment history is visible to mentors and coordinators.
        </Text>
      )}
    </Card>
  );
}
