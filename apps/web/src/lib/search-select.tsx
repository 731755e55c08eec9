import { Select } from '@mantine/core';

type Option = { value: string; label: string };

/**
 * One item picked from results searched on the server as you type: the selected item first
 * (so its name shows before any search), then the results; Mantine's own filtering is off.
 */
export function SearchSelect({
  label,
  placeholder,
  value,
  onChange,
  search,
  onSearch,
  selected,
  results,
  searching,
  nothingFound,
  error,
}: {
  label: string;
  placeholder: string;
  value: number | undefined;
  onChange: (id: number | undefined) => void;
  search: string;
  onSearch: (text: string) => void;
  selected: Option | undefined;
  results: Option[];
  searching: boolean;
  nothingFound: string;
  /** A message under the field (e.g. nothing chosen yet). */
  error?: string | null;
}) {
  const data = [...(selected ? [selected] : []), ...results.filter((o) => o.value !== selected?.value)];
  return (
    <Select
      label={label}
      placeholder={placeholder}
      searchable
      clearable
      data={data}
      value={value ? String(value) : null}
      onChange={(v) => onChange(v ? Number(v) : undefined)}
      searchValue={search}
      onSearchChange={onSearch}
      filter={({ options }) => options}
      nothingFoundMessage={searching ? 'Searching…' : nothingFound}
      error={error}
    />
  );
}
