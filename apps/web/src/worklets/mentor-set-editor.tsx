import { Alert, Button, Group, List, Stack, Text } from '@mantine/core';
import { useRef } from 'react';
import { errorMessage } from '../lib/api-errors.ts';
import { OverCapacityConfirm } from '../mentors/workload.tsx';
import { MentorPicker } from './mentor-picker.tsx';
import { MentorRolesTable } from './mentor-roles-table.tsx';
import { describeChange, primaryOf, type SetChange, type SetMember } from './mentor-set.ts';
import { StaleWriteAlert } from './stale-write-alert.tsx';
import { useMentorSetDraft } from './use-mentor-set-draft.ts';

/**
 * The assignment screen: pick mentors in a multi-select that searches on the server, set
 * each one's role, and save the whole set in one call (see useMentorSetDraft).
 */
export function MentorSetEditor({
  workletId,
  saved,
  version,
  disabledReason,
}: {
  workletId: number;
  saved: SetMember[];
  version: number;
  disabledReason?: string;
}) {
  const draft = useMentorSetDraft(workletId, saved, version);
  const { members, changes, stale, overCapacity, save } = draft;
  // Save, Discard and Remove take away the control that had the focus: it goes to the picker.
  const picker = useRef<HTMLInputElement>(null);
  const focusPicker = () => requestAnimationFrame(() => picker.current?.focus());

  return (
    <Stack>
      <MentorPicker
        members={members}
        onChange={draft.setMembers}
        disabled={!!disabledReason || !!stale}
        inputRef={picker}
      />
      {disabledReason && (
        <Text size="sm" c="dimmed">
          {disabledReason}
        </Text>
      )}
      {members.length > 0 && <MentorRolesTable members={members} onChange={draft.setMembers} onRemoved={focusPicker} />}
      {members.length > 0 && !primaryOf(members) && (
        <Alert color="orange" title="No Primary mentor">
          This worklet will have no Primary mentor. Use “Make Primary” on one of the mentors.
        </Alert>
      )}
      {changes.length > 0 && <UnsavedChanges changes={changes} />}
      {stale && (
        <StaleWriteAlert
          staleWrite={stale}
          action="Nothing was saved and your changes are kept. Review them against the current mentors, then save again."
        />
      )}
      {overCapacity && (
        <OverCapacityConfirm
          mentors={overCapacity}
          onCancel={() => save.reset()}
          onConfirm={async () => (await draft.submit(true)) && focusPicker()}
          pending={save.isPending}
        />
      )}
      {save.error && !stale && !overCapacity && (
        <Alert color="red" role="alert" title="Not saved">
          {errorMessage(save.error)}
        </Alert>
      )}
      <Group>
        {stale ? (
          <Button onClick={() => draft.reload(true)}>Review my changes</Button>
        ) : (
          <Button
            onClick={async () => (await draft.submit()) && focusPicker()}
            disabled={changes.length === 0 || save.isPending}
            loading={save.isPending}
          >
            Save mentors
          </Button>
        )}
        <Button
          variant="default"
          onClick={() => {
            draft.discard();
            focusPicker();
          }}
          disabled={changes.length === 0}
        >
          Discard changes
        </Button>
      </Group>
    </Stack>
  );
}

function UnsavedChanges({ changes }: { changes: SetChange[] }) {
  return (
    <Alert color="blue" title="Unsaved changes" aria-live="polite">
      <List size="sm">
        {changes.map((c) => (
          <List.Item key={`${c.kind}-${c.member.mentorId}`}>{describeChange(c)}</List.Item>
        ))}
      </List>
    </Alert>
  );
}
