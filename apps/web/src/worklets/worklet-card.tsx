import { Anchor, Badge, Card, Group, Stack, Text } from '@mantine/core';
import type { RouterOutputs } from '@worklets/api';
import { Link } from 'wouter';
import { RoleBadge, StatusBadge } from '../lib/roles.tsx';

export type WorkletCardData = RouterOutputs['worklets']['list']['items'][number];

/** Open worklets (draft, active) without mentors or without a Primary stand out; finished ones do not. */
function coverageOf(
  worklet: Pick<WorkletCardData, 'mentors' | 'hasPrimary' | 'status'>,
): 'ok' | 'needs-primary' | 'no-mentors' {
  if (worklet.status === 'completed' || worklet.status === 'archived') return 'ok';
  if (worklet.mentors.length === 0) return 'no-mentors';
  return worklet.hasPrimary ? 'ok' : 'needs-primary';
}

export function WorkletCard({ worklet }: { worklet: WorkletCardData }) {
  const coverage = coverageOf(worklet);
  return (
    <Card
      withBorder
      component="article"
      className="worklet-card"
      data-coverage={coverage}
      aria-labelledby={`worklet-${worklet.id}-title`}
    >
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Anchor
            component={Link}
            href={`/worklets/${worklet.id}`}
            fw={600}
            id={`worklet-${worklet.id}-title`}
            // A title without spaces (a URL, a long identifier) wraps instead of widening the card.
            style={{ minWidth: 0, overflowWrap: 'anywhere' }}
          >
            {worklet.title}
          </Anchor>
          <StatusBadge status={worklet.status} style={{ flexShrink: 0 }} />
        </Group>
        {coverage === 'no-mentors' && (
          <Badge color="red" variant="light" w="fit-content">
            No mentors
          </Badge>
        )}
        {coverage === 'needs-primary' && (
          <Badge color="orange" variant="light" w="fit-content">
            Needs a Primary
          </Badge>
        )}
        {worklet.mentors.length > 0 && (
          <Stack gap={4} component="ul" aria-label="Mentors" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {worklet.mentors.map((m) => (
              <Group key={m.assignmentId} gap="xs" component="li" wrap="nowrap">
                <RoleBadge role={m.role} />
                <Text size="sm" truncate>
                  {m.name}
                </Text>
              </Group>
            ))}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
