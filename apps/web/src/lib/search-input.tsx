import { TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useState } from 'react';

/**
 * A search box whose text shows as typed and reaches `onSearch` (trimmed, undefined when
 * empty) once typing pauses for `delayMs`: the lists keep their search in the URL.
 */
export function SearchInput({
  label,
  placeholder,
  initial,
  onSearch,
  delayMs,
  width,
}: {
  label: string;
  placeholder: string;
  initial: string | undefined;
  onSearch: (search: string | undefined) => void;
  delayMs: number;
  width: number;
}) {
  const [text, setText] = useState(initial ?? '');
  const search = useDebouncedCallback((value: string) => onSearch(value.trim() || undefined), delayMs);
  return (
    <TextInput
      label={label}
      placeholder={placeholder}
      value={text}
      onChange={(e) => {
        setText(e.currentTarget.value);
        search(e.currentTarget.value);
      }}
      w={{ base: '100%', sm: width }}
    />
  );
}
