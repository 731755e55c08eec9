/**
 * Import assignments from a CSV file: choose the file, preview what each line would do
 * (errors with their reasons), then apply exactly that in one save, which Undo reverts.
 */
import { Alert, Badge, Button, Checkbox, Code, FileInput, Group, Stack, Table, Text, Title } from '@mantine/core';
import { maxImportRows } from '@worklets/validators/imports';
import { useRef, useState } from 'react';
import { UndoButton } from '../lib/undo-toast.tsx';
import { trpc } from '../trpc.ts';
import { applyFile, type ImportResult, previewFile } from './import-client.ts';

const shownLines = 200;

const actionLabel: Record<ImportResult['lines'][number]['action'], string> = {
  add: 'Add',
  role_change: 'Change role',
  deactivate: 'Make inactive',
  unchanged: 'Unchanged',
  error: 'Error',
};
const actionColor = { add: 'green', role_change: 'blue', deactivate: 'orange', unchanged: 'gray', error: 'red' };

export function ImportPage() {
  const utils = trpc.useUtils();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<ImportResult | null>(null);
  const [applied, setApplied] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const resultRef = useRef<HTMLHeadingElement>(null);

  async function run(step: () => Promise<void>) {
    setPending(true);
    setError(null);
    try {
      await step();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setPending(false);
      requestAnimationFrame(() => resultRef.current?.focus());
    }
  }

  const choose = (chosen: File | null) => {
    setFile(chosen);
    setPreview(null);
    setApplied(null);
    setError(null);
  };

  return (
    <Stack maw={1100}>
      <Title order={1} size="h2">
        Import assignments
      </Title>
      <Text size="sm">
        A CSV file with the columns <Code>worklet</Code> (its id or exact title), <Code>mentor_email</Code>,{' '}
        <Code>role</Code> (Primary, Secondary or Collaborator) and <Code>active</Code> (yes or no), at most{' '}
        {maxImportRows.toLocaleString('en')} lines. Nothing changes until you apply the preview.
      </Text>
      <Group align="flex-end">
        <FileInput
          label="CSV file"
          accept=".csv,text/csv"
          value={file}
          onChange={choose}
          clearable
          clearButtonProps={{ 'aria-label': 'Clear the chosen file' }}
          w={320}
        />
        <Button
          disabled={!file}
          loading={pending && !preview}
          onClick={() => run(async () => setPreview(await previewFile(file!)))}
        >
          Preview
        </Button>
      </Group>
      <div aria-live="polite">
        {error && (
          <Alert color="red" title="Not imported">
            {error}
          </Alert>
        )}
      </div>
      {applied ? (
        <Applied result={applied} headingRef={resultRef} onUndone={() => choose(null)} />
      ) : (
        preview && (
          <Preview
            result={preview}
            headingRef={resultRef}
            pending={pending}
            onApply={() =>
              run(async () => {
                setApplied(await applyFile(file!, preview.digest, preview.overCapacity > 0));
                await Promise.all([
                  utils.worklets.invalidate(),
                  utils.mentors.invalidate(),
                  utils.history.invalidate(),
                ]);
              })
            }
          />
        )
      )}
    </Stack>
  );
}

function Totals({ totals }: { totals: ImportResult['totals'] }) {
  return (
    <Group gap="xs">
      {(Object.keys(actionLabel) as (keyof typeof actionLabel)[]).map((a) => (
        <Badge key={a} color={actionColor[a]} variant="light">
          {actionLabel[a]}: {totals[a]}
        </Badge>
      ))}
    </Group>
  );
}

function Preview({
  result,
  headingRef,
  pending,
  onApply,
}: {
  result: ImportResult;
  headingRef: React.RefObject<HTMLHeadingElement | null>;
  pending: boolean;
  onApply: () => void;
}) {
  const changes = result.totals.add + result.totals.role_change + result.totals.deactivate;
  const [confirmed, setConfirmed] = useState(false);
  const needsConfirm = result.overCapacity > 0;
  // Errors first, then changes; unchanged lines are only counted.
  const lines = [
    ...result.lines.filter((l) => l.action === 'error'),
    ...result.lines.filter((l) => l.overCapacity),
    ...result.lines.filter((l) => l.action !== 'error' && l.action !== 'unchanged' && !l.overCapacity),
  ];
  return (
    <Stack>
      <Title order={2} size="h3" ref={headingRef} tabIndex={-1}>
        Preview
      </Title>
      <Totals totals={result.totals} />
      {result.totals.error > 0 ? (
        <Alert
          color="red"
          title={`${result.totals.error} ${result.totals.error === 1 ? 'line has' : 'lines have'} errors`}
        >
          Fix them in the file and preview it again: a file with errors is not imported.
        </Alert>
      ) : changes === 0 ? (
        <Alert color="blue" title="Nothing to change">
          Every line matches the current assignments.
        </Alert>
      ) : (
        <Stack gap="xs">
          {needsConfirm && (
            <Checkbox
              label={`Assign over capacity: ${result.overCapacity} line${result.overCapacity === 1 ? '' : 's'} take mentors past their capacity (marked below)`}
              checked={confirmed}
              onChange={(e) => setConfirmed(e.currentTarget.checked)}
            />
          )}
          <Group>
            <Button onClick={onApply} loading={pending} disabled={needsConfirm && !confirmed}>
              Apply {changes} change{changes === 1 ? '' : 's'}
            </Button>
          </Group>
        </Stack>
      )}
      {lines.length > 0 && <LinesTable lines={lines.slice(0, shownLines)} />}
      {lines.length > shownLines && <Text size="sm">…and {lines.length - shownLines} more lines.</Text>}
    </Stack>
  );
}

function LinesTable({ lines }: { lines: ImportResult['lines'] }) {
  return (
    <Table className="stack-on-phone" striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Line</Table.Th>
          <Table.Th>Worklet</Table.Th>
          <Table.Th>Mentor</Table.Th>
          <Table.Th>Role</Table.Th>
          <Table.Th>What happens</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {lines.map((l) => (
          <Table.Tr key={l.line}>
            <Table.Td data-label="Line">{l.line}</Table.Td>
            <Table.Td data-label="Worklet">{l.workletTitle ?? '—'}</Table.Td>
            <Table.Td data-label="Mentor">{l.mentorEmail || '—'}</Table.Td>
            <Table.Td data-label="Role">{l.role ?? '—'}</Table.Td>
            <Table.Td data-label="What happens">
              <Badge color={actionColor[l.action]} variant="light">
                {actionLabel[l.action]}
              </Badge>{' '}
              {l.overCapacity && (
                <Badge color="orange" variant="light">
                  Over capacity
                </Badge>
              )}{' '}
              {l.message}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Applied({
  result,
  headingRef,
  onUndone,
}: {
  result: ImportResult;
  headingRef: React.RefObject<HTMLHeadingElement | null>;
  onUndone: () => void;
}) {
  return (
    <Stack>
      <Title order={2} size="h3" ref={headingRef} tabIndex={-1}>
        Imported
      </Title>
      <Totals totals={result.totals} />
      {result.batchId ? (
        <Group>
          <Text size="sm">Every change is in the history as one import.</Text>
          <UndoButton batchId={result.batchId} what="the import" onUndone={onUndone} />
        </Group>
      ) : (
        <Text size="sm">Nothing needed to change.</Text>
      )}
    </Stack>
  );
}
