import { Anchor, Text, Timeline } from '@mantine/core';
import type { AssignmentEventType } from '@worklets/validators/assignments';
import { Link } from 'wouter';
import { formatDateTime } from '../lib/roles.tsx';
import { describeEvent, eventColor, type HistoryEntry } from '../worklets/history-timeline.tsx';

/** The name of each kind of event in the type filter (entries say it in words too: colour is not the only cue). */
export const eventTypeLabel: Record<AssignmentEventType, string> = {
  assigned: 'Assigned',
  role_changed: 'Role changed',
  deactivated: 'Removed',
  reactivated: 'Reactivated',
  worklet_updated: 'Worklet edited',
};

/** Every event of the log: what happened to which mentor (coloured by kind), on which worklet, by whom, when. */
export function AuditTimeline({ entries }: { entries: HistoryEntry[] }) {
  if (entries.length === 0) return <Text c="dimmed">No events match these filters.</Text>;
  return (
    // Mantine colours only "active" items: every item is, so each bullet shows its kind's colour.
    <Timeline bulletSize={14} lineWidth={2} active={entries.length - 1} role="list" aria-label="Audit log">
      {entries.map((e) => (
        <Timeline.Item
          key={e.id}
          role="listitem"
          color={eventColor[e.type]}
          data-event-type={e.type}
          title={
            <Text component="span" fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
              {describeEvent(e)}
            </Text>
          }
        >
          <Anchor component={Link} href={`/worklets/${e.workletId}`} size="sm" style={{ overflowWrap: 'anywhere' }}>
            {e.workletTitle}
          </Anchor>
          <Text size="xs" c="dimmed">
            <time dateTime={e.occurredAt.toISOString()}>{formatDateTime(e.occurredAt)}</time> · by{' '}
            {e.actorName ?? 'the system (legacy import)'}
          </Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
