import { Alert, Anchor, Button, Card, Grid, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { SessionUser } from '@worklets/api';
import { useState } from 'react';
import { Link } from 'wouter';
import { errorMessage } from '../lib/api-errors.ts';
import { formatDate, RoleBadge, StatusBadge } from '../lib/roles.tsx';
import { trpc } from '../trpc.ts';
import { HistoryTimeline } from './history-timeline.tsx';
import { MentorSetEditor } from './mentor-set-editor.tsx';
import { WorkletFormModal } from './worklet-form-modal.tsx';

export function WorkletDetailPage({ id, user }: { id: number; user: SessionUser }) {
  const admin = user.role === 'admin';
  const detail = trpc.worklets.byId.useQuery({ workletId: id }, { enabled: Number.isInteger(id) && id > 0 });
  const older = trpc.history.forWorklet.useInfiniteQuery(
    { workletId: id, limit: 20 },
    {
      enabled: false,
      getNextPageParam: (last) => last.nextCursor,
      initialCursor: detail.data?.history.nextCursor ?? null,
    },
  );
  const [editing, setEditing] = useState(false);
  const utils = trpc.useUtils();
  const reactivate = trpc.assignments.reactivate.useMutation();

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
  const saved = w.mentors.map((m) => ({ mentorId: m.mentorId, name: m.name, email: m.email, role: m.role }));
  const history = [...w.history.items, ...(older.data?.pages.flatMap((p) => p.items) ?? [])];
  const moreHistory = older.data ? older.hasNextPage : w.history.nextCursor !== null;

  async function bringBack(assignmentId: number, name: string) {
    try {
      const result = await reactivate.mutateAsync({ assignmentId });
      await Promise.all([utils.worklets.invalidate(), utils.history.invalidate()]);
      const role = result.mentors.find((m) => m.assignmentId === assignmentId)?.role;
      notifications.show({ color: 'green', title: 'Mentor reactivated', message: `${name} is back as ${role}.` });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Not reactivated', message: errorMessage(error) });
    }
  }

  return (
    <Stack>
      <Anchor component={Link} href="/worklets" size="sm">
        ← All worklets
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2">
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
          <Button variant="default" onClick={() => setEditing(true)}>
            Edit worklet
          </Button>
        )}
      </Group>
      {w.description && <Text>{w.description}</Text>}
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Card withBorder component="section" aria-labelledby="mentors-heading">
            <Title order={2} size="h4" id="mentors-heading" mb="sm">
              Mentors
            </Title>
            {admin ? (
              <MentorSetEditor
                key={JSON.stringify(saved)}
                workletId={w.id}
                saved={saved}
                disabledReason={
                  w.status === 'archived'
                    ? 'This worklet is archived: mentors can be removed but not added.'
                    : undefined
                }
              />
            ) : w.mentors.length === 0 ? (
              <Text c="dimmed">No mentors yet.</Text>
            ) : (
              <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                {w.mentors.map((m) => (
                  <Group key={m.assignmentId} component="li" gap="xs">
                    <RoleBadge role={m.role} />
                    <Text size="sm">{m.name}</Text>
                    <Text size="xs" c="dimmed">
                      {m.email}
                    </Text>
                  </Group>
                ))}
              </Stack>
            )}
            {w.inactiveMentors.length > 0 && (
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
            )}
            {w.legacyPrimaryMentor && (
              <Text size="xs" c="dimmed" mt="md">
                Legacy primary mentor (old system): {w.legacyPrimaryMentor.name}
              </Text>
            )}
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card withBorder component="section" aria-labelledby="history-heading">
            <Title order={2} size="h4" id="history-heading" mb="sm">
              History
            </Title>
            {user.role === 'student' ? (
              <Text c="dimmed" size="sm">
                The assignment history is visible to mentors and coordinators.
              </Text>
            ) : (
              <HistoryTimeline
                entries={history}
                onMore={moreHistory ? () => older.fetchNextPage() : undefined}
                loadingMore={older.isFetching}
              />
            )}
          </Card>
        </Grid.Col>
      </Grid>
      {admin && editing && <WorkletFormModal opened onClose={() => setEditing(false)} worklet={w} />}
    </Stack>
  );
}
