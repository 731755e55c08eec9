import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { SearchSelect } from '../lib/search-select.tsx';
import { trpc } from '../trpc.ts';

/** A single mentor, searched on the server as you type (the mentor filter). */
export function MentorFilterSelect({
  value,
  onChange,
  label,
}: {
  value: number | undefined;
  onChange: (id: number | undefined) => void;
  label: string;
}) {
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search, 200);
  const results = trpc.mentors.search.useQuery({ query, limit: 10 }, { placeholderData: (previous) => previous });
  const selected = trpc.mentors.byId.useQuery({ mentorId: value ?? 0 }, { enabled: value !== undefined });
  return (
    <SearchSelect
      label={label}
      placeholder="Any mentor"
      value={value}
      onChange={onChange}
      search={search}
      onSearch={setSearch}
      selected={selected.data ? { value: String(selected.data.id), label: selected.data.name } : undefined}
      results={(results.data ?? []).map((m) => ({ value: String(m.id), label: m.name }))}
      searching={results.isFetching}
      nothingFound="No mentor found"
    />
  );
}
