import { Prisma } from '@worklets/db';
import { mentorIdInput } from '@worklets/validators/assignments';
import { listMentorsInput, searchMentorsInput, setMentorCapacityInput } from '@worklets/validators/mentors';
import { notFound } from '../errors.ts';
import { nameOrEmailContainsSql } from '../search-text.ts';
import { adminProcedure, router } from '../trpc.ts';
import { listMentors } from './list-mentors.ts';
import { readMentorWorkloads, toMentorWorkload } from './mentor-workload.ts';

async function mentorById(db: Parameters<typeof readMentorWorkloads>[0], mentorId: number) {
  const [row] = await readMentorWorkloads(db, 'few', Prisma.sql`m.id = ${mentorId}`);
  if (!row) throw notFound('Mentor');
  return { ...toMentorWorkload(row), createdAt: row.createdAt };
}

export const mentorsRouter = router({
  /**
   * The picker: active mentors whose name or email contains the query, by name, each with
   * their open workload and capacity ("Omar Kapoor · 11 of 8 · over capacity"). One statement.
   */
  search: adminProcedure.input(searchMentorsInput).query(async ({ ctx, input }) => {
    const rows = await readMentorWorkloads(
      ctx.db,
      'few',
      Prisma.sql`m."isActive" AND ${nameOrEmailContainsSql(input.query, 'm')}`,
      Prisma.sql`ORDER BY m.name, m.id LIMIT ${input.limit}`,
    );
    return rows.map(toMentorWorkload);
  }),

  /** Mentors with their workload by role and capacity; by name or by load; keyset pages. */
  list: adminProcedure.input(listMentorsInput).query(({ ctx, input }) => listMentors(ctx.db, input)),

  /** A mentor with their workload by role and capacity. */
  byId: adminProcedure.input(mentorIdInput).query(({ ctx, input }) => mentorById(ctx.db, input.mentorId)),

  /** A mentor's own capacity (null: the program's default). Their assignments stay as they are. */
  setCapacity: adminProcedure.input(setMentorCapacityInput).mutation(async ({ ctx, input }) => {
    const updated = await ctx.db.user.updateMany({
      where: { id: input.mentorId, role: 'mentor' },
      data: { capacity: input.capacity },
    });
    if (updated.count === 0) throw notFound('Mentor');
    return mentorById(ctx.db, input.mentorId);
  }),
});
