import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { SearchSelect } from '../lib/search-select.tsx';
import { trpc } from '../trpc.ts';

type PickerProps = { value: number | undefined; onChange: (id: number | undefined) => void };

/** Who made a change: any user (deactivated ones too), searched by name or email on the server. */
export function ActorFilterSelect({ value, onChange }: PickerProps) {
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search, 200);
  const results = trpc.users.list.useQuery(
    { search: query || undefined, includeInactive: true, limit: 10 },
    { placeholderData: (previous) => previous },
  );
  const selected = trpc.users.byId.useQuery({ id: value ?? 0 }, { enabled: value !== undefined });
  return (
    <SearchSelect
      label="Changed by"
      placeholder="Anyone"
      value={value}
      onChange={onChange}
      search={search}
      onSearch={setSearch}
      selected={selected.data ? { value: String(selected.data.id), label: selected.data.name } : undefined}
      results={(results.data?.items ?? []).map((u) => ({ value: String(u.id), label: u.name }))}
      searching={results.isFetching}
      nothingFound="No user found"
    />
  );
}

/** One worklet, searched by title on the server. */
export function WorkletFilterSelect({ value, onChange }: PickerProps) {
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search, 200);
  const results = trpc.worklets.list.useQuery(
    { search: query || undefined, limit: 10 },
    { placeholderData: (previous) => previous },
  );
  const selected = trpc.worklets.byId.useQuery({ workletId: value ?? 0 }, { enabled: value !== undefined });
  return (
    <SearchSelect
      label="Worklet"
      placeholder="Any worklet"
      value={value}
      onChange={onChange}
      search={search}
      onSearch={setSearch}
      selected={selected.data ? { value: String(selected.data.id), label: selected.data.title } : undefined}
      results={(results.data?.items ?? []).map((w) => ({ value: String(w.id), label: w.title }))}
      searching={results.isFetching}
      nothingFound="No worklet found"
    />
  );
}
