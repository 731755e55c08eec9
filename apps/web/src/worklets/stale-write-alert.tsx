import { Alert, List, Text } from '@mantine/core';
import type { StaleWrite } from '../lib/api-errors.ts';
import { describeEvent } from './history-timeline.tsx';

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "2 minutes ago", "yesterday": how long ago a change was made. */
export function timeAgo(at: Date | string, now = Date.now()): string {
  const seconds = Math.round((new Date(at).getTime() - now) / 1000);
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['second', 60],
    ['minute', 60],
    ['hour', 24],
    ['day', 30],
    ['month', 12],
  ];
  let value = seconds;
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size) return relative.format(value, unit);
    value = Math.round(value / size);
  }
  return relative.format(value, 'year');
}

/** Someone saved this worklet after it was opened here: what they changed, and what happens next. */
export function StaleWriteAlert({ staleWrite, action }: { staleWrite: StaleWrite; action: string }) {
  return (
    <Alert color="orange" role="alert" title="Someone else changed this worklet while you were editing">
      <List size="sm">
        {staleWrite.changes.map((e) => (
          <List.Item key={e.id}>
            {describeEvent(e)}, by {e.actorName ?? 'the system'} {timeAgo(e.occurredAt)}
          </List.Item>
        ))}
      </List>
      <Text size="sm" mt="xs">
        {action}
      </Text>
    </Alert>
  );
}
