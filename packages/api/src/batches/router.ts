import { batchIdInput, bulkChangeInput } from '@worklets/validators/bulk';
import { applyBulkChange } from '../bulk/apply-bulk.ts';
import { notFound } from '../errors.ts';
import { eventSelect, toHistoryEntry } from '../history/history-entry.ts';
import { adminProcedure, router } from '../trpc.ts';
import { undoBatch } from './undo-batch.ts';

export const batchesRouter = router({
  /** A save's summary: who, when, what kind, whether undone, and its changes in order. */
  byId: adminProcedure.input(batchIdInput).query(async ({ ctx, input }) => {
    const batch = await ctx.db.changeBatch.findUnique({
      where: { id: input.batchId },
      select: {
        id: true,
        kind: true,
        actorName: true,
        createdAt: true,
        subjectUserId: true,
        undoneById: true,
        undoes: { select: { id: true } },
        events: { select: eventSelect, orderBy: { id: 'asc' } },
      },
    });
    if (!batch) throw notFound('Change');
    const { undoes, events, ...rest } = batch;
    return { ...rest, undoesBatchId: undoes?.id ?? null, changes: events.map(toHistoryEntry) };
  }),

  /**
   * Reverts a batch exactly, or refuses (CONFLICT, `error.data.details.cannotUndo`) and
   * writes nothing; see undo-batch.ts. Returns the undo's own batch id (undo it to redo).
   */
  undo: adminProcedure.input(batchIdInput).mutation(({ ctx, input }) => undoBatch(ctx.db, input.batchId, ctx.user)),

  /** A bulk change on selected or matching worklets: one batch, a result per worklet (apply-bulk.ts). */
  bulk: adminProcedure.input(bulkChangeInput).mutation(({ ctx, input }) => applyBulkChange(ctx.db, input, ctx.user)),
});
