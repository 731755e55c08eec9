import { Anchor, Button, Text, Timeline } from '@mantine/core';
import type { RouterOutputs } from '@worklets/api';
import { Link } from 'wouter';
import { formatDateTime } from '../lib/roles.tsx';

export type HistoryEntry = RouterOutputs['history']['forWorklet']['items'][number];

/** Said after an assignment made over the mentor's capacity with the coordinator's explicit override. */
const overrideNote = (e: HistoryEntry) => (e.capacityOverride ? ' · over capacity, confirmed' : '');

export function describeEvent(e: HistoryEntry): string {
  switch (e.type) {
    case 'assigned':
      return `${e.mentorName} assigned as ${e.newRole}${overrideNote(e)}`;
    case 'reactivated':
      return `${e.mentorName} reactivated as ${e.newRole}${overrideNote(e)}`;
    case 'deactivated':
      return `${e.mentorName} removed (was ${e.oldRole})`;
    case 'role_changed':
      return `${e.mentorName}: ${e.oldRole} → ${e.newRole}`;
    case 'worklet_updated':
      return `Worklet ${e.changedFields.length ? e.changedFields.join(', ') : 'details'} edited`;
  }
}

/** One colour per kind of change, so a timeline reads at a glance. */
export const eventColor: Record<HistoryEntry['type'], string> = {
  assigned: 'blue',
  reactivated: 'teal',
  deactivated: 'red',
  role_changed: 'orange',
  worklet_updated: 'gray',
};

/** Who changed what, and when; newest first. */
export function HistoryTimeline({
  entries,
  showWorklet,
  onMore,
  loadingMore,
}: {
  entries: HistoryEntry[];
  showWorklet?: boolean;
  onMore?: () => void;
  loadingMore?: boolean;
}) {
  if (entries.length === 0) return <Text c="dimmed">No changes recorded yet.</Text>;
  return (
    <>
      <Timeline bulletSize={14} lineWidth={2} active={entries.length - 1} aria-label="Assignment history">
        {entries.map((e) => (
          <Timeline.Item key={e.id} title={describeEvent(e)} color={eventColor[e.type]}>
            {showWorklet && (
              <Anchor component={Link} href={`/worklets/${e.workletId}`} size="sm">
                {e.workletTitle}
              </Anchor>
            )}
            <Text size="xs" c="dimmed">
              {formatDateTime(e.occurredAt)} · by {e.actorName ?? 'the system (legacy import)'}
            </Text>
          </Timeline.Item>
        ))}
      </Timeline>
      {onMore && (
        <Button variant="subtle" size="xs" mt="sm" onClick={onMore} loading={loadingMore}>
          Show older changes
        </Button>
      )}
    </>
  );
}
