import { describe, expect, it } from 'vitest';
import {
  isSelected,
  noSelection,
  type SelectionState,
  toggleRow,
  toggleShown,
  toWorkletSelection,
} from './selection.ts';

const rows = [10, 20, 30, 40, 50, 60];
const ids = (state: SelectionState) => [...state.ids].sort((a, b) => a - b);

describe('selecting rows of the worklets table', () => {
  it('a plain click toggles one row and sets the anchor', () => {
    const one = toggleRow(noSelection, rows, 30, true, false);
    expect(ids(one)).toEqual([30]);
    expect(one.anchor).toBe(30);
    expect(ids(toggleRow(one, rows, 30, false, false))).toEqual([]);
  });

  it('shift-click selects the range from the anchor, downwards and upwards', () => {
    const anchored = toggleRow(noSelection, rows, 20, true, false);
    expect(ids(toggleRow(anchored, rows, 50, true, true))).toEqual([20, 30, 40, 50]);
    const up = toggleRow(toggleRow(noSelection, rows, 50, true, false), rows, 20, true, true);
    expect(ids(up)).toEqual([20, 30, 40, 50]);
  });

  it('shift-click on an unchecking row clears the range, and keeps rows outside it', () => {
    let state = toggleShown(noSelection, rows, true);
    state = toggleRow(state, rows, 20, false, false);
    state = toggleRow(state, rows, 40, false, true);
    expect(ids(state)).toEqual([10, 50, 60]);
  });

  it('shift-click without an anchor, or with one no longer shown, selects only that row', () => {
    expect(ids(toggleRow(noSelection, rows, 40, true, true))).toEqual([40]);
    const gone = { matching: false, ids: new Set([99]), anchor: 99 };
    expect(ids(toggleRow(gone, rows, 40, true, true))).toEqual([40, 99]);
  });

  it('"all matching" becomes the shown rows minus the one unchecked', () => {
    const all = { ...toggleShown(noSelection, rows, true), matching: true };
    expect(isSelected(all, 777)).toBe(true);
    const state = toggleRow(all, rows, 30, false, false);
    expect(state.matching).toBe(false);
    expect(ids(state)).toEqual([10, 20, 40, 50, 60]);
  });

  it('hands bulk actions ids, or the filters and total of "all matching"', () => {
    const filters = { coverage: 'needs_primary' } as const;
    const some = toggleRow(noSelection, rows, 10, true, false);
    expect(toWorkletSelection(some, filters, 80)).toEqual({ kind: 'ids', ids: [10] });
    expect(toWorkletSelection({ ...some, matching: true }, filters, 80)).toEqual({
      kind: 'matching',
      filters,
      total: 80,
    });
    expect(toggleShown(some, rows, false)).toEqual(noSelection);
  });
});
