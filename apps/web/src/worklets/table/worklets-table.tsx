/**
 * The worklets table: the list's filters, sorted by a column on the server, keyset pages under
 * "Load more" with how many of how many are shown; admins select rows (shift-click for a
 * range, the header for the rows shown, then "every matching") for the bulk actions the page
 * mounts in the selection toolbar.
 */
import { Alert, Button, Checkbox, Group, Loader, Table, Text } from '@mantine/core';
import { useTable } from '@tanstack/react-table';
import { type ReactNode, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../lib/api-errors.ts';
import { LoadMore } from '../../lib/load-more.tsx';
import { trpc } from '../../trpc.ts';
import type { WorkletFilters } from '../worklet-filters.ts';
import {
  isSelected,
  noSelection,
  type SelectionState,
  toggleRow,
  toggleShown,
  toWorkletSelection,
  type WorkletSelection,
} from './selection.ts';
import { SelectionToolbar } from './selection-toolbar.tsx';
import { PhoneSort, type SortState } from './sort-controls.tsx';
import { tableFeaturesUsed, type WorkletTableRow, workletColumns } from './worklet-columns.tsx';
import { WorkletRows } from './worklet-rows.tsx';

const pageSize = 50;
const noRows: WorkletTableRow[] = [];

type Props = {
  filters: WorkletFilters;
  sort: SortState;
  onSort: (next: SortState) => void;
  /** Admins select rows; everyone else sees the table without checkboxes. */
  selectable: boolean;
  /** Bulk actions for the selection, mounted in the selection toolbar. */
  actions?: (selection: WorkletSelection) => ReactNode;
};

/** Remounted (by its key) when the filters or the sort change, so a selection never outlives its rows. */
export function WorkletsTable({ filters, sort, onSort, selectable, actions }: Props) {
  const list = trpc.worklets.table.useInfiniteQuery(
    { limit: pageSize, ...filters, sort: sort.sort, order: sort.order },
    { getNextPageParam: (last) => last.nextCursor, placeholderData: (previous) => previous },
  );
  // One array per fetched page set, not per render: TanStack Table rebuilds its rows when `data` changes.
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? noRows, [list.data]);
  const total = list.data?.pages[0]?.total ?? 0;
  const table = useTable({ features: tableFeaturesUsed, columns: workletColumns, data: rows });
  const [selection, setSelection] = useState<SelectionState>(noSelection);
  const headerCheckbox = useRef<HTMLInputElement>(null);
  const clearButton = useRef<HTMLButtonElement>(null);
  const rowIds = rows.map((r) => r.id);
  const selectedCount = selection.matching ? total : selection.ids.size;
  const allShown = rows.length > 0 && rowIds.every((id) => isSelected(selection, id));

  if (list.isPending) return <Loader aria-label="Loading worklets" />;
  if (list.isError) {
    return (
      <Alert color="red" role="alert" title="Could not load worklets">
        {errorMessage(list.error)}
      </Alert>
    );
  }
  if (rows.length === 0) return <Text c="dimmed">No worklets match these filters.</Text>;
  return (
    <>
      <PhoneSort current={sort} onSort={onSort}>
        {selectable && (
          <Checkbox
            label="Select all shown"
            checked={allShown}
            onChange={(e) => setSelection((s) => toggleShown(s, rowIds, e.currentTarget.checked))}
          />
        )}
      </PhoneSort>
      <Group justify="space-between" gap="sm">
        <Text size="sm" aria-live="polite">
          Showing {rows.length.toLocaleString('en')} of {total.toLocaleString('en')} worklets
        </Text>
        {selectable && allShown && !selection.matching && total > rows.length && (
          <Button
            size="xs"
            variant="light"
            onClick={() => {
              setSelection({ ...selection, matching: true });
              clearButton.current?.focus();
            }}
          >
            Select all {total.toLocaleString('en')} matching
          </Button>
        )}
      </Group>
      {selectable && selectedCount > 0 && (
        <SelectionToolbar
          selection={toWorkletSelection(selection, filters, total)}
          count={selectedCount}
          actions={actions}
          clearRef={clearButton}
          onClear={() => {
            setSelection(noSelection);
            headerCheckbox.current?.focus();
          }}
        />
      )}
      <Table striped highlightOnHover aria-label="Worklets" className="stack-on-phone">
        <WorkletRows
          table={table}
          sort={sort}
          onSort={onSort}
          selection={
            selectable
              ? {
                  isSelected: (id) => isSelected(selection, id),
                  allShown,
                  someShown: selectedCount > 0,
                  headerRef: headerCheckbox,
                  onRow: (id, checked, shift) => setSelection((s) => toggleRow(s, rowIds, id, checked, shift)),
                  onShown: (checked) => setSelection((s) => toggleShown(s, rowIds, checked)),
                }
              : null
          }
        />
      </Table>
      <LoadMore query={list} label="Load more worklets" />
    </>
  );
}
