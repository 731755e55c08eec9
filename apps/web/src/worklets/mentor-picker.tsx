import { MultiSelect, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { maxMentorsPerWorklet } from '@worklets/validators/assignments';
import { type Ref, useState } from 'react';
import { loadLabel } from '../mentors/workload.tsx';
import { trpc } from '../trpc.ts';
import { addMembers, type SetMember } from './mentor-set.ts';

/**
 * The multi-select of a worklet's mentors; it searches mentors on the server as you type.
 * Each option says the mentor's open worklets against their capacity in words
 * ("Omar Kapoor · 11 of 8 · over capacity"); picking one over capacity is allowed, and the
 * save then asks to confirm.
 */
export function MentorPicker({
  members,
  onChange,
  disabled,
  inputRef,
}: {
  members: SetMember[];
  onChange: (members: SetMember[]) => void;
  disabled: boolean;
  inputRef: Ref<HTMLInputElement>;
}) {
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search, 200);
  const results = trpc.mentors.search.useQuery({ query, limit: 20 }, { placeholderData: (previous) => previous });

  const known = new Map<number, Omit<SetMember, 'role'>>();
  for (const m of results.data ?? []) known.set(m.id, { mentorId: m.id, name: m.name, email: m.email });
  for (const m of members) known.set(m.mentorId, m);
  const loads = new Map((results.data ?? []).map((m) => [m.id, loadLabel(m)]));
  const data = [...known.values()].map((m) => ({
    value: String(m.mentorId),
    label: m.name,
    email: m.email,
    load: loads.get(m.mentorId),
  }));

  function onPick(values: string[]) {
    const ids = new Set(values.map(Number));
    const kept = members.filter((m) => ids.has(m.mentorId));
    const added = [...ids].filter((id) => !kept.some((m) => m.mentorId === id)).map((id) => known.get(id)!);
    onChange(addMembers(kept, added));
    setSearch('');
  }

  return (
    <MultiSelect
      ref={inputRef}
      // Focus comes back here after Save or Remove: the list opens on typing or a click, not on focus.
      openOnFocus={false}
      label="Assigned mentors"
      description="Type a name or email to search mentors; selected mentors are assigned to this worklet."
      placeholder={members.length ? 'Add another mentor' : 'Search mentors'}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      data={data}
      value={members.map((m) => String(m.mentorId))}
      onChange={onPick}
      filter={({ options }) => options}
      renderOption={({ option }) => {
        const { email, load } = option as unknown as { email: string; load?: string };
        return (
          <div>
            <Text size="sm" fw={load?.includes('over capacity') ? 600 : undefined}>
              {option.label}
              {load && ` · ${load}`}
            </Text>
            <Text size="xs" c="dimmed">
              {email}
            </Text>
          </div>
        );
      }}
      nothingFoundMessage={results.isFetching ? 'Searching…' : 'No mentor found'}
      hidePickedOptions={false}
      disabled={disabled}
      maxValues={maxMentorsPerWorklet}
    />
  );
}
