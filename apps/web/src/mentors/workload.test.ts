import { describe, expect, it } from 'vitest';
import { describeEvent, type HistoryEntry } from '../worklets/history-timeline.tsx';
import { loadLabel } from './workload.tsx';

describe('workload in words', () => {
  it('says open worklets against capacity, and over capacity in words (not colour only)', () => {
    expect(loadLabel({ workload: { total: 11 }, capacity: 8, overCapacity: true })).toBe('11 of 8 · over capacity');
    expect(loadLabel({ workload: { total: 8 }, capacity: 8, overCapacity: false })).toBe('8 of 8');
  });

  it('history says when an assignment was confirmed over capacity', () => {
    const entry = {
      type: 'assigned',
      mentorName: 'Omar Kapoor',
      newRole: 'Secondary',
      oldRole: null,
      changedFields: [],
      capacityOverride: true,
    } as unknown as HistoryEntry;
    expect(describeEvent(entry)).toBe('Omar Kapoor assigned as Secondary · over capacity, confirmed');
    expect(describeEvent({ ...entry, type: 'reactivated' })).toBe(
      'Omar Kapoor reactivated as Secondary · over capacity, confirmed',
    );
    expect(describeEvent({ ...entry, capacityOverride: false })).toBe('Omar Kapoor assigned as Secondary');
  });
});
