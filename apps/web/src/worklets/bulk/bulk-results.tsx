import { Badge, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import type { RouterOutputs } from '@worklets/api';
import { UndoButton } from '../../lib/undo-toast.tsx';

export type BulkResult = RouterOutputs['batches']['bulk'];

/** What a bulk change did to each worklet (done, or skipped and why), with Undo of the whole change. */
export function BulkResults({ title, result, onClose }: { title: string; result: BulkResult; onClose: () => void }) {
  return (
    <Modal opened onClose={onClose} title={title} size="lg" closeButtonProps={{ 'aria-label': 'Close' }}>
      <Stack>
        <Text size="sm" role="status">
          {result.done} worklet{result.done === 1 ? '' : 's'} changed, {result.skipped} skipped.
        </Text>
        <Table aria-label="Result per worklet" className="stack-on-phone">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Worklet</Table.Th>
              <Table.Th>Result</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.rows.map((row) => (
              <Table.Tr key={row.workletId}>
                <Table.Td data-label="Worklet">{row.title ?? `#${row.workletId}`}</Table.Td>
                <Table.Td data-label="Result">
                  <Group gap="xs" wrap="nowrap" align="flex-start">
                    <Badge color={row.result === 'done' ? 'green' : 'gray'} variant="light" size="sm">
                      {row.result === 'done' ? 'Done' : 'Skipped'}
                    </Badge>
                    {row.reason && <Text size="sm">{row.reason}</Text>}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group justify="flex-end">
          {result.batchId !== null && <UndoButton batchId={result.batchId} what={title} onUndone={onClose} />}
          <Button onClick={onClose} data-autofocus>
            Close
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
