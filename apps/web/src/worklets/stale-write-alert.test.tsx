import { MantineProvider } from '@mantine/core';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { StaleWrite } from '../lib/api-errors.ts';
import { StaleWriteAlert, timeAgo } from './stale-write-alert.tsx';

afterEach(cleanup);

describe('what changed since a stale save', () => {
  it('says how long ago in words', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(timeAgo(new Date(now - 2 * 60_000), now)).toBe('2 minutes ago');
    expect(timeAgo(new Date(now - 5_000).toISOString(), now)).toBe('5 seconds ago');
    expect(timeAgo(new Date(now - 26 * 3_600_000), now)).toBe('yesterday');
  });

  it('lists each change with who made it', () => {
    const at = new Date();
    const stale: StaleWrite = {
      currentVersion: 4,
      changes: [
        {
          id: 1,
          type: 'assigned',
          oldRole: null,
          newRole: 'Secondary',
          occurredAt: at,
          workletVersion: 3,
          changedFields: [],
          capacityOverride: false,
          assignmentId: 9,
          mentorId: 5,
          mentorName: 'Ines Tanaka',
          mentorEmail: 'ines@x.example',
          actorId: 1,
          actorName: 'Ada Admin',
          workletId: 7,
          workletTitle: 'Edge inference',
        },
        {
          id: 2,
          type: 'worklet_updated',
          oldRole: null,
          newRole: null,
          occurredAt: at,
          workletVersion: 4,
          changedFields: ['title', 'status'],
          capacityOverride: false,
          assignmentId: null,
          mentorId: null,
          mentorName: null,
          mentorEmail: null,
          actorId: 2,
          actorName: 'Bo Coordinator',
          workletId: 7,
          workletTitle: 'Edge inference',
        },
      ],
    };
    render(
      <MantineProvider>
        <StaleWriteAlert staleWrite={stale} action="Save again." />
      </MantineProvider>,
    );
    const items = screen.getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual([
      'Ines Tanaka assigned as Secondary, by Ada Admin now',
      'Worklet title, status edited, by Bo Coordinator now',
    ]);
  });
});
