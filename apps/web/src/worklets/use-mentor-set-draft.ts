import { useState } from 'react';
import { overCapacityConflict, staleWrite } from '../lib/api-errors.ts';
import { showSavedToast } from '../lib/undo-toast.tsx';
import { trpc } from '../trpc.ts';
import { diffMembers, rebaseMembers, type SetMember, toSetMembers } from './mentor-set.ts';

type Base = { members: SetMember[]; version: number };

/**
 * The unsaved mentor set of the assignment screen and its saving, from the version it was
 * loaded at. Edits are never dropped silently: a newer saved set replaces the base only when
 * that loses nothing (no edits, or this screen's own save); otherwise Save is refused as
 * stale and `reload(true)` applies the same edits to the current set.
 */
export function useMentorSetDraft(workletId: number, saved: SetMember[], version: number) {
  const utils = trpc.useUtils();
  const [base, setBase] = useState<Base>({ members: saved, version });
  const [members, setMembers] = useState<SetMember[]>(saved);
  const save = trpc.assignments.setMentors.useMutation();
  const changes = diffMembers(base.members, members);
  const stale = staleWrite(save.error);
  /** Mentors the save would take over capacity: the editor asks to confirm, then `submit(true)`. */
  const overCapacity = overCapacityConflict(save.error);

  if (version !== base.version && !stale && (changes.length === 0 || diffMembers(saved, members).length === 0)) {
    setBase({ members: saved, version });
    setMembers(saved);
  }

  /** Saves the set; true when it was saved (errors stay in `save.error`). */
  async function submit(allowOverCapacity = false): Promise<boolean> {
    try {
      const result = await save.mutateAsync({
        workletId,
        expectedVersion: base.version,
        mentors: members.map((m) => ({ mentorId: m.mentorId, role: m.role })),
        allowOverCapacity,
      });
      await Promise.all([
        utils.worklets.invalidate(),
        utils.assignments.invalidate(),
        utils.history.invalidate(),
        utils.mentors.invalidate(),
      ]);
      const count = `${result.changes} change${result.changes === 1 ? '' : 's'}`;
      showSavedToast({ title: 'Mentors saved', message: `${count} recorded in the history.`, batchId: result.batchId });
      return true;
    } catch (error) {
      // Refused as stale: the history on screen catches up with what the others did.
      if (staleWrite(error)) await utils.worklets.byId.invalidate({ workletId });
      return false;
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

  function discard() {
    if (stale) void reload(false);
    else setMembers(base.members);
  }

  return { members, setMembers, changes, stale, overCapacity, save, submit, reload, discard };
}
