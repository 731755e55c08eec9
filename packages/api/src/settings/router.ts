/**
 * Program-wide settings (the one `program_settings` row): the default capacity of mentors
 * who have none of their own (rule 5 of @worklets/db/assignment-rules).
 */
import { updateProgramSettingsInput } from '@worklets/validators/settings';
import { adminProcedure, router } from '../trpc.ts';

const settingsSelect = { defaultMentorCapacity: true, updatedAt: true } as const;

export const settingsRouter = router({
  get: adminProcedure.query(
    async ({ ctx }) =>
      (await ctx.db.programSettings.findUnique({ where: { id: 1 }, select: settingsSelect })) ??
      // The migration made the row; this keeps a database whose row was removed by hand working.
      ctx.db.programSettings.create({ data: { id: 1 }, select: settingsSelect }),
  ),

  /** A new default applies at once to every mentor without their own capacity; nothing is reassigned. */
  update: adminProcedure.input(updateProgramSettingsInput).mutation(({ ctx, input }) =>
    ctx.db.programSettings.upsert({
      where: { id: 1 },
      create: { id: 1, defaultMentorCapacity: input.defaultMentorCapacity },
      update: { defaultMentorCapacity: input.defaultMentorCapacity },
      select: settingsSelect,
    }),
  ),
});
