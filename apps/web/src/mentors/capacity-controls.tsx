/**
 * Editing capacities: the program's default (for mentors without their own) and one
 * mentor's own capacity (empty: the program default). Checked in the browser with the API's
 * schema, so the messages are the same; the server's field errors show in the same place.
 */
import { Button, Group, NumberInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { mentorCapacity } from '@worklets/validators/mentors';
import { useState } from 'react';
import { errorMessage, fieldErrors } from '../lib/api-errors.ts';
import { trpc } from '../trpc.ts';

type Value = number | string;

/** The schema's message for `value`, or null when it is a valid capacity (empty allowed if `optional`). */
function capacityError(value: Value, optional: boolean): string | null {
  if (value === '' && optional) return null;
  const parsed = mentorCapacity.safeParse(value === '' ? undefined : Number(value));
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'Not a valid capacity');
}

function useInvalidateLoads() {
  const utils = trpc.useUtils();
  return () =>
    Promise.all([utils.mentors.invalidate(), utils.worklets.coverage.invalidate(), utils.settings.invalidate()]);
}

function CapacityField({
  label,
  description,
  placeholder,
  initial,
  optional,
  pending,
  serverError,
  onSave,
}: {
  label: string;
  description: string;
  placeholder?: string;
  initial: number | null;
  optional: boolean;
  pending: boolean;
  serverError?: string;
  onSave: (value: number | null) => void;
}) {
  const [value, setValue] = useState<Value>(initial ?? '');
  const [error, setError] = useState<string | null>(null);
  const changed = value !== (initial ?? '');
  function save() {
    const problem = capacityError(value, optional);
    setError(problem);
    if (!problem) onSave(value === '' ? null : Number(value));
  }
  return (
    <Group align="flex-start" gap="xs" wrap="nowrap">
      <NumberInput
        label={label}
        description={description}
        placeholder={placeholder}
        value={value}
        onChange={(v) => {
          setValue(v);
          setError(null);
        }}
        onKeyDown={(e) => e.key === 'Enter' && save()}
        allowDecimal={false}
        allowNegative={false}
        min={0}
        max={1000}
        // Out of range is said in words (the schema's message), not silently clamped on blur.
        clampBehavior="none"
        error={error ?? serverError}
        w={250}
      />
      <Button mt={description ? 44 : 25} onClick={save} loading={pending} disabled={!changed}>
        Save
      </Button>
    </Group>
  );
}

/** The program's default capacity, for the Mentors page's header. */
export function DefaultCapacityControl() {
  const settings = trpc.settings.get.useQuery();
  const update = trpc.settings.update.useMutation();
  const invalidate = useInvalidateLoads();
  if (!settings.data) return null;
  return (
    <CapacityField
      key={settings.data.defaultMentorCapacity}
      label="Default capacity"
      description="Open worklets per mentor without their own"
      initial={settings.data.defaultMentorCapacity}
      optional={false}
      pending={update.isPending}
      serverError={
        fieldErrors(update.error).defaultMentorCapacity ?? (update.error ? errorMessage(update.error) : undefined)
      }
      onSave={async (value) => {
        const saved = await update.mutateAsync({ defaultMentorCapacity: value! }).catch(() => null);
        if (!saved) return;
        await invalidate();
        notifications.show({
          color: 'green',
          title: 'Default capacity saved',
          message: `Mentors without their own capacity can take ${saved.defaultMentorCapacity} open worklets.`,
        });
      }}
    />
  );
}

/** One mentor's own capacity; empty goes back to the program default. */
export function MentorCapacityControl({
  mentor,
}: {
  mentor: { id: number; name: string; ownCapacity: number | null };
}) {
  const settings = trpc.settings.get.useQuery();
  const set = trpc.mentors.setCapacity.useMutation();
  const invalidate = useInvalidateLoads();
  const fallback = settings.data?.defaultMentorCapacity;
  return (
    <CapacityField
      key={mentor.ownCapacity ?? 'default'}
      label="Own capacity"
      description={`Empty: the program default${fallback === undefined ? '' : ` (${fallback})`}`}
      placeholder={fallback === undefined ? 'Program default' : `Default (${fallback})`}
      initial={mentor.ownCapacity}
      optional
      pending={set.isPending}
      serverError={fieldErrors(set.error).capacity ?? (set.error ? errorMessage(set.error) : undefined)}
      onSave={async (capacity) => {
        const saved = await set.mutateAsync({ mentorId: mentor.id, capacity }).catch(() => null);
        if (!saved) return;
        await invalidate();
        notifications.show({
          color: 'green',
          title: 'Capacity saved',
          message:
            saved.ownCapacity === null
              ? `${saved.name} now has the program default of ${saved.capacity}.`
              : `${saved.name} can take ${saved.capacity} open worklets.`,
        });
      }}
    />
  );
}
