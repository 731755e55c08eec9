import { Alert, Button, Group, Select, Stack } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { type MentorRole, mentorRoles } from '@worklets/validators/assignments';
import { useState } from 'react';
import { errorMessage, primaryConflict } from '../lib/api-errors.ts';
import { showSavedToast } from '../lib/undo-toast.tsx';
import { trpc } from '../trpc.ts';

/**
 * Assign this mentor to a worklet with a role (assignments.assign). When the worklet has a
 * Primary already, the API answers CONFLICT naming them, and the coordinator can choose to
 * replace them (the current Primary becomes Secondary).
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
  const conflict = primaryConflict(assign.error);
  const chosen = options.data?.items.find((w) => String(w.id) === workletId);

  async function submit(replacePrimary: boolean) {
    if (!workletId) return;
    try {
      const result = await assign.mutateAsync({
        workletId: Number(workletId),
        mentorId: mentor.id,
        role: role ?? undefined,
        replacePrimary,
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
      assign.reset();
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
            assign.reset();
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
            assign.reset();
          }}
          w={{ base: '100%', sm: 230 }}
        />
        <Button onClick={() => submit(false)} disabled={!workletId} loading={assign.isPending}>
          Assign
        </Button>
      </Group>
      {conflict ? (
        <Alert color="orange" role="alert" title={`${conflict.name} is already the Primary mentor`}>
          <Stack gap="xs" align="flex-start">
            {errorMessage(assign.error)}
            <Button size="xs" color="orange" onClick={() => submit(true)} loading={assign.isPending}>
              Make {mentor.name} Primary; {conflict.name} becomes Secondary
            </Button>
          </Stack>
        </Alert>
      ) : (
        assign.error && (
          <Alert color="red" role="alert" title="Not assigned">
            {errorMessage(assign.error)}
          </Alert>
        )
      )}
    </Stack>
  );
}
