import { Checkbox, Table } from '@mantine/core';
import type { ReactTable } from '@tanstack/react-table';
import type { WorkletSort } from '@worklets/validators/worklets';
import type { ChangeEvent, RefObject } from 'react';
import { SortHeader, type SortState } from './sort-controls.tsx';
import { sortLabels, type tableFeaturesUsed, type WorkletTableRow } from './worklet-columns.tsx';

export type RowSelection = {
  isSelected: (id: number) => boolean;
  allShown: boolean;
  someShown: boolean;
  headerRef: RefObject<HTMLInputElement | null>;
  onRow: (id: number, checked: boolean, shift: boolean) => void;
  onShown: (checked: boolean) => void;
};

/** Shift held during the click (or key press) that changed a checkbox. */
function withShift(event: ChangeEvent<HTMLInputElement>): boolean {
  return 'shiftKey' in event.nativeEvent && Boolean((event.nativeEvent as MouseEvent).shiftKey);
}

/** The table's head and body: TanStack's rows and cells in Mantine's table, with checkboxes for admins. */
export function WorkletRows({
  table,
  sort,
  onSort,
  selection,
}: {
  table: ReactTable<typeof tableFeaturesUsed, WorkletTableRow>;
  sort: SortState;
  onSort: (next: SortState) => void;
  selection: RowSelection | null;
}) {
  return (
    <>
      <Table.Thead>
        {table.getHeaderGroups().map((group) => (
          <Table.Tr key={group.id}>
            {selection && (
              <Table.Th w={40}>
                <Checkbox
                  ref={selection.headerRef}
                  aria-label="Select all worklets shown"
                  checked={selection.allShown}
                  indeterminate={selection.someShown && !selection.allShown}
                  onChange={(e) => selection.onShown(e.currentTarget.checked)}
                />
              </Table.Th>
            )}
            {group.headers.map((header) => (
              <SortHeader key={header.id} column={header.column.id as WorkletSort} current={sort} onSort={onSort} />
            ))}
          </Table.Tr>
        ))}
      </Table.Thead>
      <Table.Tbody>
        {table.getRowModel().rows.map((row) => (
          <Table.Tr key={row.original.id}>
            {selection && (
              <Table.Td>
                <Checkbox
                  aria-label={`Select ${row.original.title}`}
                  checked={selection.isSelected(row.original.id)}
                  onChange={(e) => selection.onRow(row.original.id, e.currentTarget.checked, withShift(e))}
                />
              </Table.Td>
            )}
            {row.getAllCells().map((cell) => (
              <Table.Td
                key={cell.id}
                data-label={cell.column.id === 'title' ? undefined : sortLabels[cell.column.id as WorkletSort]}
                // A status badge keeps its whole word ("completed") however narrow the table.
                miw={cell.column.id === 'status' ? 112 : undefined}
              >
                <table.FlexRender cell={cell} />
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </>
  );
}
