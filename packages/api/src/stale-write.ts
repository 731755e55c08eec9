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
import type { SqlClient } from '@worklets/db';
import { DetailedError } from './errors.ts';
import { type EventRow, toHistoryEntry } from './history/history-entry.ts';

export async function staleWrite(
  tx: SqlClient,
  worklet: { id: number; title: string; version: number },
  expectedVersion: number,
): Promise<TRPCError> {
  // Served by the (worklet_id, worklet_version) index; the columns of history-entry.ts's eventSelect.
  const rows = await tx.$queryRaw<EventRow[]>`
    SELECT e.id, e.type::text AS type, e.old_role::text AS "oldRole", e.new_role::text AS "newRole",
           e.occurred_at AS "occurredAt", e.worklet_version AS "workletVersion", e.changed_fields AS "changedFields",
           e.capacity_override AS "capacityOverride", e.assignment_id AS "assignmentId", e.mentor_id AS "mentorId",
           e.mentor_name AS "mentorName", e.mentor_email AS "mentorEmail", e.actor_id AS "actorId",
           e.actor_name AS "actorName", json_build_object('id', w.id, 'title', w.title) AS worklet
    FROM assignment_events e JOIN worklets w ON w.id = e.worklet_id
    WHERE e.worklet_id = ${worklet.id} AND e.worklet_version > ${expectedVersion}
    ORDER BY e.occurred_at, e.id
    LIMIT 100`;
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
