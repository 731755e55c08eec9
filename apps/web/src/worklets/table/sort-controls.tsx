import { Group, Select, Stack, Table, UnstyledButton } from '@mantine/core';
import { type SortOrder, type WorkletSort, workletSorts } from '@worklets/validators/worklets';
import type { ReactNode } from 'react';
import { firstOrder, sortLabels } from './worklet-columns.tsx';

export type SortState = { sort: WorkletSort; order: SortOrder };

/** Clicking the sorted column turns its order round; another column starts in its own first order. */
function nextSort(current: SortState, sort: WorkletSort): SortState {
  if (current.sort !== sort) return { sort, order: firstOrder[sort] };
  return { sort, order: current.order === 'asc' ? 'desc' : 'asc' };
}

/** A column header that sorts the table: a button inside a `th` whose aria-sort says how it is sorted. */
export function SortHeader({
  column,
  current,
  onSort,
}: {
  column: WorkletSort;
  current: SortState;
  onSort: (next: SortState) => void;
}) {
  const sorted = current.sort === column;
  const arrow = sorted ? (current.order === 'asc' ? '▲' : '▼') : '';
  return (
    <Table.Th aria-sort={sorted ? (current.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton
        onClick={() => onSort(nextSort(current, column))}
        fw={600}
        fz="sm"
        style={{ whiteSpace: 'nowrap' }}
      >
        {sortLabels[column]}
        <span aria-hidden="true" style={{ marginLeft: 4, display: 'inline-block', width: '1em' }}>
          {arrow}
        </span>
      </UnstyledButton>
    </Table.Th>
  );
}

const orderLabels: Record<SortOrder, string> = { asc: 'Ascending', desc: 'Descending' };

/** On a phone the table's headers are hidden (its rows are cards): the sort is chosen here. */
export function PhoneSort({
  current,
  onSort,
  children,
}: {
  current: SortState;
  onSort: (next: SortState) => void;
  children?: ReactNode;
}) {
  return (
    <Stack hiddenFrom="sm" gap="xs">
      <Group gap="xs" grow>
        <Select
          label="Sort by"
          data={workletSorts.map((s) => ({ value: s, label: sortLabels[s] }))}
          value={current.sort}
          allowDeselect={false}
          onChange={(v) => v && onSort({ sort: v as WorkletSort, order: firstOrder[v as WorkletSort] })}
        />
        <Select
          label="Order"
          data={(['asc', 'desc'] as const).map((o) => ({ value: o, label: orderLabels[o] }))}
          value={current.order}
          allowDeselect={false}
          onChange={(v) => v && onSort({ sort: current.sort, order: v as SortOrder })}
        />
      </Group>
      {children}
    </Stack>
  );
}
