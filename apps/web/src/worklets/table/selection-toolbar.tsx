import { Button, Group, Paper, Text } from '@mantine/core';
import type { ReactNode, Ref } from 'react';
import type { WorkletSelection } from './selection.ts';

/** Shown while rows are selected: how many, a way out, and the bulk actions the page mounts. */
export function SelectionToolbar({
  selection,
  count,
  onClear,
  actions,
  clearRef,
}: {
  selection: WorkletSelection;
  count: number;
  onClear: () => void;
  actions?: ((selection: WorkletSelection) => ReactNode) | undefined;
  clearRef?: Ref<HTMLButtonElement>;
}) {
  return (
    <Paper withBorder p="xs" role="region" aria-label="Selected worklets">
      <Group justify="space-between" gap="sm">
        <Text fw={600} size="sm" aria-live="polite">
          {count.toLocaleString('en')} selected
          {selection.kind === 'matching' ? ' (every worklet matching the filters)' : ''}
        </Text>
        <Group gap="xs">
          {actions?.(selection)}
          <Button ref={clearRef} size="xs" variant="default" onClick={onClear}>
            Clear selection
          </Button>
        </Group>
      </Group>
    </Paper>
  );
}
