/**
 * The one SQL that every writer runs after changing worklets' assignments (the API's
 * assignment writes and a user's deactivation, the legacy backfill):
 *   - the legacy column is made true again: `worklets.mentor_id` = the mentor of the
 *     active Primary, or null (the only definition of that sync);
 *   - `active_mentors` is recounted and `updated_at` set (the table sorts on both);
 *   - the worklet's `version` goes up by one (optimistic concurrency: an editor holding the
 *     old version is refused), and the new version is returned, for the events of the change.
 * $1: the ids of the changed worklets (int[]).
 */
export const workletsChangedSql = `
UPDATE worklets w SET
  mentor_id = (SELECT p.mentor_id FROM mentor_worklet_assignments p
               WHERE p.worklet_id = w.id AND p.role_type = 'Primary' AND p.is_active),
  active_mentors = (SELECT count(*) FROM mentor_worklet_assignments a
                    WHERE a.worklet_id = w.id AND a.is_active),
  updated_at = now(),
  version = w.version + 1
WHERE w.id = ANY($1::int[])
RETURNING w.id, w.version`;
