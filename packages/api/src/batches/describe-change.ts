import type { HistoryEntry } from '../history/history-entry.ts';

/** A change in one line, for the reasons an undo gives ("Ana Silva was made Primary by Bob at 14:02 UTC"). */
export function describeChange(entry: HistoryEntry): string {
  const who = entry.actorName ?? 'the system';
  const at = `${entry.occurredAt.toISOString().slice(11, 16)} UTC`;
  const mentor = entry.mentorName ?? 'a mentor';
  switch (entry.type) {
    case 'assigned':
      return `${mentor} was added as ${entry.newRole} by ${who} at ${at}`;
    case 'reactivated':
      return `${mentor} came back as ${entry.newRole} by ${who} at ${at}`;
    case 'deactivated':
      return `${mentor} was removed by ${who} at ${at}`;
    case 'role_changed':
      return `${mentor} was made ${entry.newRole} by ${who} at ${at}`;
    case 'worklet_updated':
      return `its ${entry.changedFields.join(', ')} ${entry.changedFields.length === 1 ? 'was' : 'were'} edited by ${who} at ${at}`;
  }
}
