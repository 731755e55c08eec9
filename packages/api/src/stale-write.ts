/**
 * The CONFLICT a stale write gets (optimistic concurrency on `worklets.version`).
 *
 * Contract for clients (the dashboard reads it): `assignments.setMentors` and
 * `worklets.update` take the `expectedVersion` the user edited from. When the worklet has
 * changed since, nothing is written and the call fails with code CONFLICT and
 *   error.data.staleWrite = {
 *     currentVersion: number,   // send this as expectedVersion after the user reviewed
 *     changes: HistoryEntry[],  // what happened since expectedVersion, oldest first (at most 100)
 *   }
 * Each change has the shape of the history procedures' items (history/history-entry.ts):
 * `type` ('assigned' | 'role_changed' | 'deactivated' | 'reactivated' | 'worklet_updated'),
 * `mentorName` (null for worklet_updated), `oldRole` / `newRole`, `changedFields` (for
 * worklet_updated: 'title' | 'description' | 'status'), `actorName` (null: the system),
 * `occurredAt`, and `workletVersion` (the version the change produced).
 * A client keeps the user's unsaved edits, shows the changes ("Ines Tanaka was added by
 * Ada 2 minutes ago") and lets the user save again with `currentVersion`.
 */
import { TRPCError } from '@trpc/server';
import type { Tx } from './assignments/mentor-changes.ts';
import { DetailedError } from './errors.ts';
import { eventSelect, toHistoryEntry } from './history/history-entry.ts';

export async function staleWrite(
  tx: Tx,
  worklet: { id: number; title: string; version: number },
  expectedVersion: number,
): Promise<TRPCError> {
  // Served by the (worklet_id, worklet_version) index.
  const rows = await tx.assignmentEvent.findMany({
    where: { workletId: worklet.id, workletVersion: { gt: expectedVersion } },
    select: eventSelect,
    orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
    take: 100,
  });
  const message =
    `“${worklet.title}” was changed by someone else since you opened it (version ${expectedVersion}, now ` +
    `${worklet.version}). Review the changes and save again.`;
  return new TRPCError({
    code: 'CONFLICT',
    message,
    cause: new DetailedError(message, {
      staleWrite: { currentVersion: worklet.version, changes: rows.map(toHistoryEntry) },
    }),
  });
}
