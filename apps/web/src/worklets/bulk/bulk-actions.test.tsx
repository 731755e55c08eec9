import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { observable } from '@trpc/server/observable';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trpc } from '../../trpc.ts';
import { BulkActions, type BulkSelection } from './bulk-actions.tsx';

type Call = { path: string; input: unknown };
let calls: Call[];

const bulkResult = {
  batchId: 42,
  done: 2,
  skipped: 1,
  rows: [
    { workletId: 1, title: 'Crop disease', result: 'done', reason: null },
    { workletId: 2, title: 'Bridges', result: 'done', reason: null },
    { workletId: 3, title: 'Arches', result: 'skipped', reason: 'It is completed already.' },
  ],
};
const answers: Record<string, (input: unknown) => unknown> = {
  'batches.bulk': () => bulkResult,
  'batches.undo': () => ({ batchId: 43, undoneBatchId: 42, worklets: 2 }),
  'mentors.search': () => [],
};

/** The app's tRPC hooks over a fake link that records each call and answers from `answers`. */
function renderWithApi(selection: BulkSelection, onDone = () => {}) {
  const client = trpc.createClient({
    links: [
      () =>
        ({ op }) =>
          observable((observer) => {
            calls.push({ path: op.path, input: op.input });
            observer.next({ result: { data: answers[op.path]?.(op.input) ?? null } });
            observer.complete();
          }),
    ],
  });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <trpc.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <MantineProvider>
          <Notifications />
          <BulkActions selection={selection} onDone={onDone} />
        </MantineProvider>
      </QueryClientProvider>
    </trpc.Provider>,
  );
}

beforeEach(() => {
  calls = [];
});
afterEach(cleanup);

describe('BulkActions', () => {
  it('changes the status of the selected worklets, shows the result per worklet, and undoes it', async () => {
    let done = 0;
    renderWithApi({ kind: 'ids', ids: [1, 2, 3] }, () => done++);
    expect(screen.queryByText(/at most/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Change status…' }));
    const dialog = await screen.findByRole('dialog', { name: /Change the status \(3 worklets\)/ });

    // Nothing chosen: a message, and no call.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Change the status' }));
    expect(await within(dialog).findByText('Choose a status')).toBeTruthy();
    expect(calls.filter((c) => c.path === 'batches.bulk')).toEqual([]);

    fireEvent.change(within(dialog).getByLabelText('New status'), { target: { value: 'completed' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Change the status' }));

    const results = await screen.findByRole('dialog', { name: 'Change the status' });
    expect(calls.find((c) => c.path === 'batches.bulk')?.input).toEqual({
      target: { ids: [1, 2, 3] },
      action: { kind: 'setStatus', status: 'completed' },
      allowOverCapacity: false,
    });
    expect(within(results).getByRole('status').textContent).toBe('2 worklets changed, 1 skipped.');
    const rows = within(within(results).getByRole('table', { name: 'Result per worklet' })).getAllByRole('row');
    expect(rows.slice(1).map((r) => r.textContent)).toEqual([
      'Crop diseaseDone',
      'BridgesDone',
      'ArchesSkippedIt is completed already.',
    ]);

    fireEvent.click(within(results).getByRole('button', { name: 'Undo: Change the status' }));
    await waitFor(() => expect(calls.some((c) => c.path === 'batches.undo')).toBe(true));
    expect(calls.find((c) => c.path === 'batches.undo')?.input).toEqual({ batchId: 42 });
    expect(await screen.findByText('The change was reverted.')).toBeTruthy();
    await waitFor(() => expect(done).toBe(1));
  });

  it('sends the list filters for "every worklet matching", and refuses more than the maximum', async () => {
    renderWithApi({ kind: 'matching', filters: { status: 'draft', search: 'bridges' }, total: 501 });
    expect(screen.getByRole('status').textContent).toBe('At most 500 worklets at once: narrow the selection.');
    for (const name of ['Add mentor…', 'Remove mentor…', 'Change status…'])
      expect((screen.getByRole('button', { name }) as HTMLButtonElement).disabled).toBe(true);
    cleanup();

    renderWithApi({ kind: 'matching', filters: { status: 'draft', search: 'bridges' }, total: 12 });
    fireEvent.click(screen.getByRole('button', { name: 'Change status…' }));
    const dialog = await screen.findByRole('dialog', { name: /12 worklets/ });
    fireEvent.change(within(dialog).getByLabelText('New status'), { target: { value: 'active' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Change the status' }));
    await waitFor(() => expect(calls.some((c) => c.path === 'batches.bulk')).toBe(true));
    expect(calls.find((c) => c.path === 'batches.bulk')?.input).toEqual({
      target: { matching: { status: 'draft', search: 'bridges' } },
      action: { kind: 'setStatus', status: 'active' },
      allowOverCapacity: false,
    });
  });

  it('asks for a mentor before adding or removing one', async () => {
    renderWithApi({ kind: 'ids', ids: [5] });
    expect(screen.getByRole('group', { name: 'Bulk actions' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Add mentor…' }));
    const dialog = await screen.findByRole('dialog', { name: /Add a mentor \(1 worklet\)/ });
    expect(within(dialog).getByLabelText('Mentor')).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add a mentor' }));
    expect(await within(dialog).findByText('Choose a mentor')).toBeTruthy();
    expect(calls.filter((c) => c.path === 'batches.bulk')).toEqual([]);
  });
});
