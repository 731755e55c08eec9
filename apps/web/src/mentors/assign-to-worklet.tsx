import { Alert, Button, Group, Select, Stack } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { type MentorRole, mentorRoles } from '@worklets/validators/assignments';
import { useState } from 'react';
import { errorMessage, overCapacityConflict, primaryConflict } from '../lib/api-errors.ts';
import { showSavedToast } from '../lib/undo-toast.tsx';
import { trpc } from '../trpc.ts';
import { OverCapacityConfirm } from './workload.tsx';

/**
 * Assign this mentor to a worklet with a role (assignments.assign). When the worklet has a
 * Primary already, the API answers CONFLICT naming them, and the coordinator can choose to
 * replace them (the current Primary becomes Secondary). Over the mentor's capacity, it
 * answers CONFLICT with their numbers, and the coordinator can confirm to assign anyway.
 */
export function AssignToWorklet({ mentor }: { mentor: { id: number; name: string } }) {
  const utils = trpc.useUtils();
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search.trim(), 250);
  const [workletId, setWorkletId] = useState<string | null>(null);
  const [role, setRole] = useState<MentorRole | null>(null);
  const options = trpc.worklets.list.useQuery(
    { search: query || undefined, limit: 20 },
    { placeholderData: (previous) => previous },
  );
  const assign = trpc.assignments.assign.useMutation();
  // What the coordinator has confirmed for this choice of worklet and role, kept for the
  // next try (confirming capacity, then replacing the Primary, is two answers to one assign).
  const [confirmed, setConfirmed] = useState({ replacePrimary: false, allowOverCapacity: false });
  const chosen = options.data?.items.find((w) => String(w.id) === workletId);

  function restart() {
    assign.reset();
    setConfirmed({ replacePrimary: false, allowOverCapacity: false });
  }

  async function submit(answer: Partial<typeof confirmed> = {}) {
    if (!workletId) return;
    const now = { ...confirmed, ...answer };
    setConfirmed(now);
    try {
      const result = await assign.mutateAsync({
        workletId: Number(workletId),
        mentorId: mentor.id,
        role: role ?? undefined,
        ...now,
      });
      const given = result.mentors.find((m) => m.mentorId === mentor.id)?.role;
      await Promise.all([
        utils.assignments.invalidate(),
        utils.worklets.invalidate(),
        utils.history.invalidate(),
        utils.mentors.invalidate(),
      ]);
      showSavedToast({
        title: 'Mentor assigned',
        message: `${mentor.name} is now ${given} on “${chosen?.title ?? 'the worklet'}”.`,
        batchId: result.batchId,
      });
      restart();
      setWorkletId(null);
    } catch {
      // Shown below.
    }
  }

  return (
    <Stack gap="sm">
      <Group align="flex-end" gap="sm">
        <Select
          label="Worklet"
          placeholder="Search worklet titles"
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          filter={({ options: all }) => all}
          data={(options.data?.items ?? [])
            .filter((w) => w.status !== 'archived')
            .map((w) => ({ value: String(w.id), label: w.title }))}
          value={workletId}
          onChange={(v) => {
            setWorkletId(v);
            restart();
          }}
          nothingFoundMessage={options.isFetching ? 'Searching…' : 'No worklet found'}
          w={{ base: '100%', sm: 320 }}
        />
        <Select
          label="Role"
          placeholder="Primary if free, else Secondary"
          clearable
          data={[...mentorRoles]}
          value={role}
          onChange={(v) => {
            setRole(v as MentorRole | null);
            restart();
          }}
          w={{ base: '100%', sm: 230 }}
        />
        <Button onClick={() => submit()} disabled={!workletId} loading={assign.isPending}>
          Assign
        </Button>
      </Group>
      <AssignOutcome
        mentorName={mentor.name}
        error={assign.error}
        pending={assign.isPending}
        onAnswer={submit}
        onCancel={restart}
      />
    </Stack>
  );
}

/** A refused assign: replace the Primary, confirm over capacity, or just the reason. */
function AssignOutcome({
  mentorName,
  error,
  pending,
  onAnswer,
  onCancel,
}: {
  mentorName: string;
  error: unknown;
  pending: boolean;
  onAnswer: (answer: { replacePrimary?: boolean; allowOverCapacity?: boolean }) => void;
  onCancel: () => void;
}) {
  const conflict = primaryConflict(error);
  const overCapacity = overCapacityConflict(error);
  if (conflict) {
    return (
      <Alert color="orange" role="alert" title={`${conflict.name} is already the Primary mentor`}>
        <Stack gap="xs" align="flex-start">
          {errorMessage(error)}
          <Button size="xs" color="orange" onClick={() => onAnswer({ replacePrimary: true })} loading={pending}>
            Make {mentorName} Primary; {conflict.name} becomes Secondary
          </Button>
        </Stack>
      </Alert>
    );
  }
  if (overCapacity) {
    return (
      <OverCapacityConfirm
        mentors={overCapacity}
        onCancel={onCancel}
        onConfirm={() => onAnswer({ allowOverCapacity: true })}
        pending={pending}
      />
    );
  }
  if (!error) return null;
  return (
    <Alert color="red" role="alert" title="Not assigned">
      {errorMessage(error)}
    </Alert>
  );
}
