/**
 * What a coordinator selected in the worklets table, for bulk actions: either some worklets
 * by id, or every worklet matching the filters (all pages, also those not loaded yet; the
 * server applies the same filters again, so `total` is what the table showed at the time).
 */
import type { WorkletFilters } from '../worklet-filters.ts';

export type WorkletSelection =
  | { kind: 'ids'; ids: number[] }
  | { kind: 'matching'; filters: WorkletFilters; total: number };

/** The table's selection state: the ids checked, the row a shift-click extends from, or "all matching". */
export type SelectionState = { matching: boolean; ids: ReadonlySet<number>; anchor: number | null };

export const noSelection: SelectionState = { matching: false, ids: new Set(), anchor: null };

/**
 * A click on one row's checkbox. With shift, and an anchor (the row clicked before) among the
 * rows shown, every row from the anchor to this one takes this row's new state, as in a file
 * manager or a mail client; without, only this row changes. The clicked row becomes the anchor.
 * Unchecking a row while "all matching" is selected keeps the other rows shown.
 */
export function toggleRow(
  state: SelectionState,
  rowIds: readonly number[],
  id: number,
  checked: boolean,
  shift: boolean,
): SelectionState {
  const ids = new Set(state.matching ? rowIds : state.ids);
  const from = shift && state.anchor !== null ? rowIds.indexOf(state.anchor) : -1;
  const to = rowIds.indexOf(id);
  const range = from >= 0 && to >= 0 ? rowIds.slice(Math.min(from, to), Math.max(from, to) + 1) : [id];
  for (const rowId of range) {
    if (checked) ids.add(rowId);
    else ids.delete(rowId);
  }
  return { matching: false, ids, anchor: id };
}

/** The header checkbox: all rows shown, or none. */
export function toggleShown(state: SelectionState, rowIds: readonly number[], checked: boolean): SelectionState {
  if (!checked) return noSelection;
  return { matching: false, ids: new Set([...state.ids, ...rowIds]), anchor: state.anchor };
}

export function isSelected(state: SelectionState, id: number): boolean {
  return state.matching || state.ids.has(id);
}

export function toWorkletSelection(state: SelectionState, filters: WorkletFilters, total: number): WorkletSelection {
  return state.matching ? { kind: 'matching', filters, total } : { kind: 'ids', ids: [...state.ids] };
}
