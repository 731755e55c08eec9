import { Anchor, Group, Stack, Table, Text } from '@mantine/core';
import type { RouterOutputs } from '@worklets/api';
import { Link } from 'wouter';
import { formatDate, RoleBadge, StatusBadge } from '../lib/roles.tsx';

type Row = RouterOutputs['assignments']['mentorWorklets'][number];

/** A mentor's active worklets with their role on each. */
export function MentorWorklets({ rows }: { rows: Row[] }) {
  if (rows.length === 0) return <Text c="dimmed">No active worklets.</Text>;
  return (
    <Table aria-label="Active worklets" className="stack-on-phone">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Worklet</Table.Th>
          <Table.Th>Role</Table.Th>
          <Table.Th>Since</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.assignmentId}>
            <Table.Td>
              <Stack gap={2}>
                <Anchor component={Link} href={`/worklets/${r.workletId}`}>
                  {r.title}
                </Anchor>
                <Group gap={4}>
                  <StatusBadge status={r.status} />
                </Group>
              </Stack>
            </Table.Td>
            <Table.Td miw={120} data-label="Role">
              <RoleBadge role={r.role} />
            </Table.Td>
            <Table.Td data-label="Since">{formatDate(r.assignedAt)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
