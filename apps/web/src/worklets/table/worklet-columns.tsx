/**
 * The worklets table's columns (TanStack Table, headless): what each cell shows. The column ids
 * are the API's sort keys (`workletSorts`), so a header knows which sort it asks for.
 */
import { Anchor, Text } from '@mantine/core';
import { createColumnHelper, tableFeatures } from '@tanstack/react-table';
import type { RouterOutputs } from '@worklets/api';
import type { SortOrder, WorkletSort } from '@worklets/validators/worklets';
import { Link } from 'wouter';
import { formatDateTime, StatusBadge } from '../../lib/roles.tsx';

export type WorkletTableRow = RouterOutputs['worklets']['table']['items'][number];

export const tableFeaturesUsed = tableFeatures({});
const helper = createColumnHelper<typeof tableFeaturesUsed, WorkletTableRow>();

export const workletColumns = helper.columns([
  helper.accessor('title', {
    id: 'title',
    header: 'Title',
    cell: (info) => (
      <Anchor component={Link} href={`/worklets/${info.row.original.id}`} fw={600} style={{ overflowWrap: 'anywhere' }}>
        {info.getValue()}
      </Anchor>
    ),
  }),
  helper.accessor('status', {
    id: 'status',
    header: 'Status',
    cell: (info) => <StatusBadge status={info.getValue()} />,
  }),
  helper.accessor((row) => row.primary?.name ?? null, {
    id: 'primary',
    header: 'Primary',
    cell: (info) =>
      info.getValue() ?? (
        <Text span size="sm" c="dimmed">
          None
        </Text>
      ),
  }),
  helper.accessor('mentorCount', { id: 'mentors', header: 'Mentors', cell: (info) => info.getValue() }),
  helper.accessor('updatedAt', {
    id: 'updated',
    header: 'Last change',
    cell: (info) => <time dateTime={info.getValue().toISOString()}>{formatDateTime(info.getValue())}</time>,
  }),
]);

/** The order a column sorts in when it is first clicked: names A to Z, the latest change first. */
export const firstOrder: Record<WorkletSort, SortOrder> = {
  title: 'asc',
  status: 'asc',
  primary: 'asc',
  mentors: 'asc',
  updated: 'desc',
};

export const sortLabels: Record<WorkletSort, string> = {
  title: 'Title',
  status: 'Status',
  primary: 'Primary',
  mentors: 'Mentors',
  updated: 'Last change',
};
