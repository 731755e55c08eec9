import { MantineProvider, Table } from '@mantine/core';
import { useTable } from '@tanstack/react-table';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useRef, useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Router } from 'wouter';
import { isSelected, noSelection, toggleRow, toggleShown } from './selection.ts';
import type { SortState } from './sort-controls.tsx';
import { tableFeaturesUsed, type WorkletTableRow, workletColumns } from './worklet-columns.tsx';
import { WorkletRows } from './worklet-rows.tsx';

afterEach(cleanup);

const data: WorkletTableRow[] = Array.from({ length: 6 }, (_, i) => ({
  id: 10 + i,
  title: `Worklet ${i}`,
  status: 'active',
  version: 1,
  updatedAt: new Date('2026-11-01T10:00:00Z'),
  mentorCount: i % 3,
  primary: i % 2 ? { id: 3, name: 'Ada Lovelace' } : null,
}));

/** The rows as the table page wires them: the selection state and its pure functions. */
function Harness({ sort, onSort }: { sort: SortState; onSort: (next: SortState) => void }) {
  const table = useTable({ features: tableFeaturesUsed, columns: workletColumns, data });
  const [selection, setSelection] = useState(noSelection);
  const headerRef = useRef<HTMLInputElement>(null);
  const ids = data.map((r) => r.id);
  return (
    <Table>
      <WorkletRows
        table={table}
        sort={sort}
        onSort={onSort}
        selection={{
          isSelected: (id) => isSelected(selection, id),
          allShown: ids.every((id) => isSelected(selection, id)),
          someShown: selection.ids.size > 0,
          headerRef,
          onRow: (id, checked, shift) => setSelection((s) => toggleRow(s, ids, id, checked, shift)),
          onShown: (checked) => setSelection((s) => toggleShown(s, ids, checked)),
        }}
      />
    </Table>
  );
}

function renderRows(sort: SortState = { sort: 'title', order: 'asc' }, onSort = vi.fn()) {
  render(
    <MantineProvider>
      <Router>
        <Harness sort={sort} onSort={onSort} />
      </Router>
    </MantineProvider>,
  );
  return onSort;
}

const box = (i: number) => screen.getByRole<HTMLInputElement>('checkbox', { name: `Select Worklet ${i}` });
const checked = () => data.map((_, i) => box(i).checked);

describe('WorkletRows', () => {
  it('extends the selection from the last row clicked to a shift-clicked one', () => {
    renderRows();
    fireEvent.click(box(1));
    fireEvent.click(box(4), { shiftKey: true });
    expect(checked()).toEqual([false, true, true, true, true, false]);
    // Shift-clicking a checked row unchecks the range from the anchor (row 4) to it.
    fireEvent.click(box(2), { shiftKey: true });
    expect(checked()).toEqual([false, true, false, false, false, false]);
    fireEvent.click(box(5));
    expect(checked()).toEqual([false, true, false, false, false, true]);
  });

  it('selects every row shown from the header checkbox, and none again', () => {
    renderRows();
    const header = screen.getByRole<HTMLInputElement>('checkbox', { name: 'Select all worklets shown' });
    fireEvent.click(header);
    expect(checked()).toEqual(data.map(() => true));
    fireEvent.click(header);
    expect(checked()).toEqual(data.map(() => false));
  });

  it('says how it is sorted, and asks for the other order or another column', () => {
    const onSort = renderRows({ sort: 'title', order: 'asc' });
    const title = screen.getByRole('columnheader', { name: /Title/ });
    expect(title.getAttribute('aria-sort')).toBe('ascending');
    expect(screen.getByRole('columnheader', { name: /Primary/ }).getAttribute('aria-sort')).toBe('none');
    fireEvent.click(screen.getByRole('button', { name: /Title/ }));
    expect(onSort).toHaveBeenLastCalledWith({ sort: 'title', order: 'desc' });
    fireEvent.click(screen.getByRole('button', { name: /Last change/ }));
    expect(onSort).toHaveBeenLastCalledWith({ sort: 'updated', order: 'desc' });
  });

  it('shows the Primary or None, the number of mentors, and labels cells for stacked rows', () => {
    renderRows();
    const cells = screen.getAllByRole('cell');
    expect(cells.filter((c) => c.getAttribute('data-label') === 'Primary').map((c) => c.textContent)).toEqual([
      'None',
      'Ada Lovelace',
      'None',
      'Ada Lovelace',
      'None',
      'Ada Lovelace',
    ]);
    expect(screen.getByRole('link', { name: 'Worklet 0' }).getAttribute('href')).toBe('/worklets/10');
  });
});
