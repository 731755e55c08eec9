/**
 * Bulk changes on the worklets a table selected (one id list, or every worklet matching the
 * list's filters): add a mentor with a role, remove a mentor, change the status. Each opens a
 * dialog, then the result per worklet with Undo of the whole change (batches.bulk, one batch).
 */
import { Button, Checkbox, Group, NativeSelect, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { RouterInputs } from '@worklets/api';
import { type MentorRole, mentorRoles } from '@worklets/validators/assignments';
import { maxBulkWorklets } from '@worklets/validators/bulk';
import { type WorkletStatus, workletStatuses } from '@worklets/validators/worklets';
import { useState } from 'react';
import { overCapacityConflict } from '../../lib/api-errors.ts';
import { FormModal } from '../../lib/form-modal.tsx';
import { SearchSelect } from '../../lib/search-select.tsx';
import { loadLabel, OverCapacityConfirm } from '../../mentors/workload.tsx';
import { trpc } from '../../trpc.ts';
import { type BulkResult, BulkResults } from './bulk-results.tsx';

type BulkInput = RouterInputs['batches']['bulk'];
type Action = BulkInput['action'];

export type BulkSelection =
  | { kind: 'ids'; ids: number[] }
  | {
      kind: 'matching';
      filters: {
        status?: WorkletStatus;
        mentorId?: number;
        search?: string;
        coverage?: 'all' | 'needs_primary' | 'no_mentors';
      };
      total: number;
    };

type Dialog = 'addMentor' | 'removeMentor' | 'setStatus';

const dialogTitles: Record<Dialog, string> = {
  addMentor: 'Add a mentor',
  removeMentor: 'Remove a mentor',
  setStatus: 'Change the status',
};

function selectionSize(selection: BulkSelection): number {
  return selection.kind === 'ids' ? selection.ids.length : selection.total;
}

export function BulkActions({ selection, onDone }: { selection: BulkSelection; onDone?: () => void }) {
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [result, setResult] = useState<{ title: string; result: BulkResult } | null>(null);
  const size = selectionSize(selection);
  const tooMany = size > maxBulkWorklets;
  const disabled = size === 0 || tooMany;
  const open = (d: Dialog) => () => setDialog(d);
  return (
    <>
      <Group gap="xs" role="group" aria-label="Bulk actions">
        {/* The selection toolbar says how many are selected; here only what is too many. */}
        {tooMany && (
          <Text size="sm" role="status">
            At most {maxBulkWorklets} worklets at once: narrow the selection.
          </Text>
        )}
        <Button size="xs" variant="default" disabled={disabled} onClick={open('addMentor')}>
          Add mentor…
        </Button>
        <Button size="xs" variant="default" disabled={disabled} onClick={open('removeMentor')}>
          Remove mentor…
        </Button>
        <Button size="xs" variant="default" disabled={disabled} onClick={open('setStatus')}>
          Change status…
        </Button>
      </Group>
      {dialog && (
        <BulkDialog
          dialog={dialog}
          selection={selection}
          onClose={() => setDialog(null)}
          onApplied={(r) => {
            setDialog(null);
            setResult({ title: dialogTitles[dialog], result: r });
          }}
        />
      )}
      {result && (
        <BulkResults
          title={result.title}
          result={result.result}
          onClose={() => {
            setResult(null);
            onDone?.();
          }}
        />
      )}
    </>
  );
}

function BulkDialog({
  dialog,
  selection,
  onClose,
  onApplied,
}: {
  dialog: Dialog;
  selection: BulkSelection;
  onClose: () => void;
  onApplied: (result: BulkResult) => void;
}) {
  const utils = trpc.useUtils();
  const bulk = trpc.batches.bulk.useMutation();
  const [mentorId, setMentorId] = useState<number | undefined>();
  const [role, setRole] = useState<MentorRole>('Secondary');
  const [replacePrimary, setReplacePrimary] = useState(false);
  const [status, setStatus] = useState<WorkletStatus | null>(null);
  const [missing, setMissing] = useState<string | null>(null);

  function action(): Action | null {
    if (dialog === 'setStatus') return status ? { kind: 'setStatus', status } : null;
    if (!mentorId) return null;
    return dialog === 'addMentor'
      ? { kind: 'addMentor', mentorId, role, replacePrimary }
      : { kind: 'removeMentor', mentorId };
  }

  async function submit(allowOverCapacity = false) {
    const chosen = action();
    if (!chosen) {
      setMissing(dialog === 'setStatus' ? 'Choose a status' : 'Choose a mentor');
      return;
    }
    const target = selection.kind === 'ids' ? { ids: selection.ids } : { matching: selection.filters };
    try {
      const result = await bulk.mutateAsync({ target, action: chosen, allowOverCapacity });
      await utils.invalidate();
      onApplied(result);
    } catch {
      // Shown in the dialog, or (over capacity) asked to confirm below.
    }
  }

  // Rule 5: the mentor would go over capacity: the explicit override, then the same request again.
  const overCapacity = overCapacityConflict(bulk.error);
  if (overCapacity)
    return (
      <OverCapacityConfirm
        mentors={overCapacity}
        onCancel={() => {
          bulk.reset();
          onClose();
        }}
        onConfirm={() => submit(true)}
        pending={bulk.isPending}
      />
    );

  const size = selectionSize(selection);
  return (
    <FormModal
      title={`${dialogTitles[dialog]} (${size} worklet${size === 1 ? '' : 's'})`}
      onClose={onClose}
      onSubmit={() => submit()}
      pending={bulk.isPending}
      error={bulk.error}
      hasFieldErrors={false}
      submitLabel={dialogTitles[dialog]}
    >
      {dialog === 'setStatus' ? (
        <NativeSelect
          label="New status"
          data={[{ value: '', label: 'Pick one' }, ...workletStatuses]}
          value={status ?? ''}
          onChange={(e) => setStatus((e.currentTarget.value || null) as WorkletStatus | null)}
          error={missing}
          data-autofocus
        />
      ) : (
        <MentorSearch value={mentorId} onChange={setMentorId} error={missing} />
      )}
      {dialog === 'addMentor' && (
        <>
          <NativeSelect
            label="Role"
            data={[...mentorRoles]}
            value={role}
            onChange={(e) => setRole(e.currentTarget.value as MentorRole)}
          />
          {role === 'Primary' && (
            <Checkbox
              label="Where a worklet has a Primary already, make them Secondary (otherwise it is skipped)"
              checked={replacePrimary}
              onChange={(e) => setReplacePrimary(e.currentTarget.checked)}
            />
          )}
        </>
      )}
    </FormModal>
  );
}

/** One mentor, searched on the server as you type. */
function MentorSearch({
  value,
  onChange,
  error,
}: {
  value: number | undefined;
  onChange: (id: number | undefined) => void;
  error: string | null;
}) {
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search, 200);
  const [picked, setPicked] = useState<{ value: string; label: string }>();
  const results = trpc.mentors.search.useQuery({ query, limit: 10 }, { placeholderData: (previous) => previous });
  const options = (results.data ?? []).map((m) => ({ value: String(m.id), label: `${m.name} · ${loadLabel(m)}` }));
  return (
    <SearchSelect
      label="Mentor"
      placeholder="Search mentors by name or email"
      value={value}
      onChange={(id) => {
        setPicked(options.find((o) => o.value === String(id)));
        onChange(id);
      }}
      search={search}
      onSearch={setSearch}
      selected={value === undefined ? undefined : picked}
      results={options}
      searching={results.isFetching}
      nothingFound="No mentor found"
      error={error}
    />
  );
}
