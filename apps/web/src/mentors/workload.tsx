import { Badge, List, Text } from '@mantine/core';
import type { OverCapacityMentor } from '../lib/api-errors.ts';
import { ConfirmModal } from '../lib/confirm-modal.tsx';

type Load = { workload: { total: number }; capacity: number; overCapacity: boolean };

/** "11 of 8 · over capacity": a mentor's open worklets against their capacity, in words. */
export function loadLabel(m: Load): string {
  return `${m.workload.total} of ${m.capacity}${m.overCapacity ? ' · over capacity' : ''}`;
}

/** "Over capacity" as a badge: the words carry it, the colour only repeats it. */
export function OverCapacityBadge({ over }: { over: boolean }) {
  if (!over) return null;
  return (
    <Badge color="red" variant="light" size="sm">
      over capacity
    </Badge>
  );
}

/**
 * The explicit override of a mentor's capacity: what the assignment would do to whom, Cancel
 * first, then "Assign anyway" (the caller retries with `allowOverCapacity`; history records it).
 */
export function OverCapacityConfirm({
  mentors,
  onCancel,
  onConfirm,
  pending,
}: {
  mentors: OverCapacityMentor[];
  onCancel: () => void;
  onConfirm: () => void;
  pending: boolean;
}) {
  const one = mentors.length === 1;
  return (
    <ConfirmModal
      title="Assign over capacity?"
      onClose={onCancel}
      onConfirm={onConfirm}
      confirmLabel="Assign anyway"
      color="red"
      pending={pending}
      error={null}
    >
      <Text size="sm">
        {one ? 'This mentor would have' : 'These mentors would have'} more open worklets than their capacity:
      </Text>
      <List size="sm">
        {mentors.map((m) => (
          <List.Item key={m.id}>
            {m.name}: {m.workload} of {m.capacity}
          </List.Item>
        ))}
      </List>
      <Text size="sm">Assigning anyway is recorded in the history as over capacity, confirmed.</Text>
    </ConfirmModal>
  );
}
