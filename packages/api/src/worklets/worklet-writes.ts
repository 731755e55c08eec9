/**
 * Worklet writes: create (idempotent), update (optimistic concurrency), archive, delete.
 * Every change to a worklet's fields bumps its version and appends one `worklet_updated`
 * event naming the changed fields (and their old values), in one transaction with the worklet
 * row locked; the event carries the save's batch id, which the result returns (`batchId`).
 */
import type { PrismaClient } from '@worklets/db';
import type { CreateWorkletInput, UpdateWorkletInput, WorkletStatus } from '@worklets/validators/worklets';
import type { Actor, Tx } from '../assignments/mentor-changes.ts';
import { BatchRecorder } from '../batches/batch-recorder.ts';
import { conflict, isUniqueViolation, notFound, retryOnConflict } from '../errors.ts';
import { staleWrite } from '../stale-write.ts';

const workletResultSelect = { id: true, title: true, description: true, status: true, version: true } as const;

type Fields = { title: string; description: string; status: WorkletStatus };
type LockedFields = Fields & { id: number; version: number };
const editableFields = ['title', 'description', 'status'] as const;

async function lockWorklet(tx: Tx, id: number): Promise<LockedFields> {
  const rows = await tx.$queryRaw<LockedFields[]>`
    SELECT id, title, description, status::text AS status, version FROM worklets WHERE id = ${id} FOR UPDATE`;
  if (!rows[0]) throw notFound('Worklet');
  return rows[0];
}

/**
 * Writes the fields that differ, bumps the version and records the edit in `batch` with
 * the fields' old values (what an undo restores); no change, no write. The result's
 * `batchId` is the batch's id, or null when nothing changed.
 */
export async function applyFieldChanges(
  tx: Tx,
  current: LockedFields,
  wanted: Partial<Fields>,
  actor: Actor,
  batch: BatchRecorder,
) {
  const changed = editableFields.filter((k) => wanted[k] !== undefined && wanted[k] !== current[k]);
  if (changed.length === 0) {
    const { id, title, description, status, version } = current;
    return { id, title, description, status, version, batchId: batch.batchId };
  }
  const updated = await tx.worklet.update({
    where: { id: current.id },
    data: { ...Object.fromEntries(changed.map((k) => [k, wanted[k]])), version: { increment: 1 } },
    select: workletResultSelect,
  });
  const batchId = await batch.id(tx);
  await tx.assignmentEvent.create({
    data: {
      workletId: current.id,
      // No mentor: the snapshot columns hold '' (the API shows null).
      mentorName: '',
      mentorEmail: '',
      actorId: actor.id,
      actorName: actor.name,
      type: 'worklet_updated',
      changedFields: [...changed],
      previousValues: Object.fromEntries(changed.map((k) => [k, current[k]])),
      workletVersion: updated.version,
      batchId,
    },
  });
  return { ...updated, batchId };
}

/**
 * One row per (admin, idempotency key): the unique index `worklets_idempotency` refuses a
 * second insert (a concurrent one waits for the first to commit), and the repeated request
 * returns the row the first one made.
 */
export async function createWorklet(db: PrismaClient, input: CreateWorkletInput, actor: Actor) {
  const { idempotencyKey, ...data } = input;
  try {
    return await db.worklet.create({
      data: { ...data, createdById: actor.id, idempotencyKey },
      select: workletResultSelect,
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const first = await db.worklet.findFirst({
      where: { createdById: actor.id, idempotencyKey },
      select: workletResultSelect,
    });
    if (!first) throw error;
    return first;
  }
}

export function updateWorklet(db: PrismaClient, input: UpdateWorkletInput, actor: Actor) {
  const { id, expectedVersion, ...wanted } = input;
  return retryOnConflict(() =>
    db.$transaction(async (tx) => {
      const current = await lockWorklet(tx, id);
      if (current.version !== expectedVersion) throw await staleWrite(tx, current, expectedVersion);
      return applyFieldChanges(tx, current, wanted, actor, new BatchRecorder('edit', actor));
    }),
  );
}

export function archiveWorklet(db: PrismaClient, id: number, actor: Actor) {
  return retryOnConflict(() =>
    db.$transaction(async (tx) =>
      applyFieldChanges(tx, await lockWorklet(tx, id), { status: 'archived' }, actor, new BatchRecorder('edit', actor)),
    ),
  );
}

/**
 * Deletes a worklet that has no history beyond its creation (a duplicate made by mistake):
 * never changed, no assignment, no event. Anything else is archived instead.
 */
export function deleteWorklet(db: PrismaClient, id: number) {
  return retryOnConflict(() =>
    db.$transaction(async (tx) => {
      const worklet = await lockWorklet(tx, id);
      const assignments = await tx.mentorWorkletAssignment.count({ where: { workletId: id } });
      const events = await tx.assignmentEvent.count({ where: { workletId: id } });
      if (worklet.version > 1 || assignments > 0 || events > 0) {
        throw conflict(
          `“${worklet.title}” has a history (mentors or edits) and cannot be deleted: archive it instead.`,
        );
      }
      await tx.worklet.delete({ where: { id } });
      return { id, title: worklet.title, deleted: true as const };
    }),
  );
}
