/**
 * User administration. Deactivating a user ends all their sessions and, for a mentor,
 * their active assignments (with history and the legacy column kept true), in one
 * transaction: a mentor who left must not stay on worklets, and the coverage view then
 * shows who needs a new Primary.
 *
 * At least one active admin always remains: a change that would remove an admin (a role
 * change or a deactivation) locks every active admin row first, in id order, and counts
 * the others inside the transaction, so two admins demoting each other at the same moment
 * cannot both succeed.
 */

import { TRPCError } from '@trpc/server';
import type { PrismaClient } from '@worklets/db';
import type { CreateUserRequest, UpdateUserInput } from '@worklets/validators/users';
import { type LinkSettings, sendAccountLink } from '../accounts/admin-links.ts';
import type { Actor, Tx } from '../assignments/mentor-changes.ts';
import { applyMentorChanges, lockWorkletForChange } from '../assignments/mentor-changes.ts';
import { BatchRecorder } from '../batches/batch-recorder.ts';
import { badRequest, conflict, isUniqueViolation, notFound, retryOnConflict } from '../errors.ts';
import { type RestoreRow, restoreAssignments } from './reactivation-restore.ts';

export const userSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  isActive: true,
  createdAt: true,
  updatedAt: true,
} as const;

/** Locks the user row, so that assignments of this user cannot change meanwhile. */
async function lockUser(tx: Tx, id: number) {
  const rows = await tx.$queryRaw<
    { id: number; role: string }[]
  >`SELECT id, role::text AS role FROM users WHERE id = ${id} FOR UPDATE`;
  if (!rows[0]) throw notFound('User');
  return rows[0];
}

/**
 * Before a change that could leave no admin: locks the active admins (id order, like every
 * writer) and refuses when `userId` is the last one, or when the actor is no admin any more
 * (demoted by a transaction that committed first).
 */
async function ensureAnotherAdminRemains(tx: Tx, userId: number, actor: Actor): Promise<void> {
  const admins = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id FOR UPDATE`;
  const ids = admins.map((a) => a.id);
  if (!ids.includes(actor.id))
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only admins can do this (you are no longer an admin).' });
  if (ids.includes(userId) && ids.length === 1)
    throw conflict('This is the last active admin: make someone else an admin first.');
}

/**
 * One row per (admin, idempotency key), like worklets.create (see worklet-writes.ts), with
 * its invitation link made in the same transaction. The same request again (its answer was
 * lost) gets the first user and a new link: the first link dies.
 */
export async function createUser(db: PrismaClient, input: CreateUserRequest, actor: Actor, links: LinkSettings) {
  const { idempotencyKey, ...data } = input;
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { ...data, createdById: actor.id, idempotencyKey },
        select: userSelect,
      });
      return { user, invitation: await sendAccountLink(tx, user, 'invitation', actor, links) };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const first = await db.user.findFirst({ where: { createdById: actor.id, idempotencyKey }, select: userSelect });
    if (!first) throw error;
    const invitation = await db.$transaction((tx) => sendAccountLink(tx, first, 'invitation', actor, links));
    return { user: first, invitation };
  }
}

export async function updateUser(db: PrismaClient, input: UpdateUserInput, actor: Actor) {
  const { id, ...data } = input;
  return retryOnConflict(() =>
    db.$transaction(async (tx) => {
      if (id === actor.id && data.role && data.role !== 'admin')
        throw badRequest('You cannot remove your own admin role.');
      if (data.role && data.role !== 'admin') await ensureAnotherAdminRemains(tx, id, actor);
      const user = await lockUser(tx, id);
      if (user.role === 'mentor' && data.role && data.role !== 'mentor') {
        const active = await tx.mentorWorkletAssignment.count({ where: { mentorId: id, isActive: true } });
        if (active > 0)
          throw conflict(
            `This mentor still has ${active} active worklet${active === 1 ? '' : 's'}: deactivate those assignments first.`,
          );
      }
      return tx.user.update({ where: { id }, data, select: userSelect });
    }),
  );
}

/**
 * Deactivation ends the user's active assignments (one `user_deactivation` batch, which
 * reactivation can restore); reactivation restores the assignments of that batch listed in
 * `restoreAssignmentIds` (one `user_reactivation` batch, see reactivation-restore.ts).
 * `batchId`: the batch written, null when no assignment changed.
 */
export async function setUserActive(
  db: PrismaClient,
  input: { id: number; isActive: boolean; restoreAssignmentIds?: number[] },
  actor: Actor,
) {
  const { id, isActive } = input;
  if (id === actor.id && !isActive) throw badRequest('You cannot deactivate yourself.');
  return retryOnConflict(() =>
    db.$transaction(async (tx) => {
      if (!isActive) await ensureAnotherAdminRemains(tx, id, actor);
      await lockUser(tx, id);
      if (!isActive) {
        const batch = await endAssignments(tx, id, actor);
        // Signed out everywhere at once: their sessions are gone with the commit; so are their
        // account links, and the API tokens they made stop working for good (not just while
        // they are inactive: a reactivation does not bring them back).
        await tx.session.deleteMany({ where: { userId: id } });
        await tx.accountToken.deleteMany({ where: { userId: id } });
        await tx.apiToken.updateMany({ where: { createdById: id, revokedAt: null }, data: { revokedAt: new Date() } });
        const user = await tx.user.update({ where: { id }, data: { isActive }, select: userSelect });
        return { ...user, batchId: batch.batchId, restored: [] as RestoreRow[] };
      }
      // Active first: the restored assignments need an active mentor (rule 1).
      const user = await tx.user.update({ where: { id }, data: { isActive }, select: userSelect });
      const { batchId, rows } = await restoreAssignments(tx, id, input.restoreAssignmentIds ?? [], actor);
      return { ...user, batchId, restored: rows };
    }),
  );
}

/** Ends every active assignment of user `id`, as one `user_deactivation` batch. */
async function endAssignments(tx: Tx, id: number, actor: Actor): Promise<BatchRecorder> {
  const batch = new BatchRecorder('user_deactivation', actor, id);
  const assignments = await tx.mentorWorkletAssignment.findMany({
    where: { mentorId: id, isActive: true },
    select: { workletId: true },
    orderBy: { workletId: 'asc' },
  });
  // Worklets are locked in id order, like every other writer, so two writers cannot deadlock.
  for (const { workletId } of assignments) {
    const worklet = await lockWorkletForChange(tx, workletId);
    const assignment = worklet.assignments.find((a) => a.mentorId === id && a.isActive);
    if (assignment) await applyMentorChanges(tx, worklet, [{ kind: 'deactivate', assignment }], actor, batch);
  }
  return batch;
}
