import { Alert, Button, Group, List, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { errorMessage, staleWrite } from '../lib/api-errors.ts';
import { trpc } from '../trpc.ts';
import { MentorPicker } from './mentor-picker.tsx';
import { MentorRolesTable } from './mentor-roles-table.tsx';
import { describeChange, diffMembers, primaryOf, rebaseMembers, type SetMember, toSetMembers } from './mentor-set.ts';
import { StaleWriteAlert } from './stale-write-alert.tsx';

type Base = { members: SetMember[]; version: number };

/**
 * The assignment screen: pick mentors in a multi-select that searches on the server, set
 * each one's role, and save the whole set in one call, from the version it was loaded at.
 * Unsaved edits are never dropped: when the saved set changes under them, Save is refused
 * with what changed, and "Review" applies the same edits to the current set.
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
  const utils = trpc.useUtils();
  const [base, setBase] = useState<Base>({ members: saved, version });
  const [members, setMembers] = useState<SetMember[]>(saved);
  const save = trpc.assignments.setMentors.useMutation();
  const changes = diffMembers(base.members, members);
  const stale = staleWrite(save.error);

  // A newer saved set replaces the base only when that loses nothing: no edits, or this screen's own save.
  if (version !== base.version && !stale && (changes.length === 0 || diffMembers(saved, members).length === 0)) {
    setBase({ members: saved, version });
    setMembers(saved);
  }

  async function submit() {
    try {
      const result = await save.mutateAsync({
        workletId,
        expectedVersion: base.version,
        mentors: members.map((m) => ({ mentorId: m.mentorId, role: m.role })),
      });
      await Promise.all([
        utils.worklets.invalidate(),
        utils.assignments.invalidate(),
        utils.history.invalidate(),
        utils.mentors.list.invalidate(),
      ]);
      const count = `${result.changes} change${result.changes === 1 ? '' : 's'}`;
      notifications.show({ color: 'green', title: 'Mentors saved', message: `${count} recorded in the history.` });
    } catch {
      // Shown below.
    }
  }

  /** Loads the current set as the new base, with this screen's edits applied to it again or dropped. */
  async function reload(keepEdits: boolean) {
    const current = await utils.worklets.byId.fetch({ workletId }, { staleTime: 0 });
    const currentMembers = toSetMembers(current.mentors);
    setMembers(keepEdits ? rebaseMembers(currentMembers, changes) : currentMembers);
    setBase({ members: currentMembers, version: current.version });
    save.reset();
  }

  return (
    <Stack>
      <MentorPicker members={members} onChange={setMembers} disabled={!!disabledReason || !!stale} />
      {disabledReason && (
        <Text size="sm" c="dimmed">
          {disabledReason}
        </Text>
      )}
      {members.length > 0 && <MentorRolesTable members={members} onChange={setMembers} />}
      {members.length > 0 && !primaryOf(members) && (
        <Alert color="orange" title="No Primary mentor">
          This worklet will have no Primary mentor. Use “Make Primary” on one of the mentors.
        </Alert>
      )}
      {changes.length > 0 && (
        <Alert color="blue" title="Unsaved changes" aria-live="polite">
          <List size="sm">
            {changes.map((c) => (
              <List.Item key={`${c.kind}-${c.member.mentorId}`}>{describeChange(c)}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {stale ? (
        <StaleWriteAlert
          staleWrite={stale}
          action="Nothing was saved and your changes are kept. Review them against the current mentors, then save again."
        />
      ) : (
        save.error && (
          <Alert color="red" role="alert" title="Not saved">
            {errorMessage(save.error)}
          </Alert>
        )
      )}
      <Group>
        {stale ? (
          <Button onClick={() => reload(true)}>Review my changes</Button>
        ) : (
          <Button onClick={submit} disabled={changes.length === 0 || save.isPending} loading={save.isPending}>
            Save mentors
          </Button>
        )}
        <Button
          variant="default"
          onClick={() => (stale ? reload(false) : setMembers(base.members))}
          disabled={changes.length === 0}
        >
          Discard changes
        </Button>
      </Group>
    </Stack>
  );
}
