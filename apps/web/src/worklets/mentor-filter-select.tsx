import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
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
  const data = [
    ...(selected.data ? [{ value: String(selected.data.id), label: selected.data.name }] : []),
    ...(results.data ?? []).filter((m) => m.id !== value).map((m) => ({ value: String(m.id), label: m.name })),
  ];
  return (
    <Select
      label={label}
      placeholder="Any mentor"
      searchable
      clearable
      data={data}
      value={value ? String(value) : null}
      onChange={(v) => onChange(v ? Number(v) : undefined)}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      nothingFoundMessage={results.isFetching ? 'Searching…' : 'No mentor found'}
    />
  );
}
