/**
 * The Mentors list: every mentor (inactive ones flagged) with their open workload by role and
 * capacity, by name or by load, optionally only those over capacity, in keyset pages.
 * One statement a page (two after the first: the cursor row is read again, so a page
 * continues from where that mentor stands now).
 *
 * Load is open worklets minus capacity (`excess`), most loaded first: mentors over capacity
 * lead, and "11 of 8" comes before "10 of 12" however large the capacities. Ties go by name
 * and id, so the order is total and a page continues after (excess, name, id) exactly.
 */
import { Prisma, type PrismaClient } from '@worklets/db';
import type { ListMentorsInput } from '@worklets/validators/mentors';
import { badRequest } from '../errors.ts';
import { toPage } from '../pagination.ts';
import { nameOrEmailContainsSql } from '../search-text.ts';
import { overCapacitySql, readMentorWorkloads, toMentorWorkload } from './mentor-workload.ts';

type Input = Omit<ListMentorsInput, 'limit' | 'sort'> & { limit: number; sort: 'name' | 'load' };

async function afterCursor(db: PrismaClient, input: Input): Promise<Prisma.Sql> {
  if (!input.cursor) return Prisma.sql`true`;
  const [after] = await readMentorWorkloads(db, 'few', Prisma.sql`m.id = ${input.cursor}`);
  if (!after) throw badRequest('This list changed: start again from the first page.');
  const byName = Prisma.sql`(m.name, m.id) > (${after.name}, ${after.id})`;
  if (input.sort === 'name') return byName;
  return Prisma.sql`(m.excess < ${after.excess} OR (m.excess = ${after.excess} AND ${byName}))`;
}

export async function listMentors(db: PrismaClient, input: Input) {
  const where = Prisma.join(
    [
      nameOrEmailContainsSql(input.search, 'm'),
      input.overCapacity ? overCapacitySql : Prisma.sql`true`,
      await afterCursor(db, input),
    ],
    ' AND ',
  );
  const order = input.sort === 'load' ? Prisma.sql`m.excess DESC, m.name, m.id` : Prisma.sql`m.name, m.id`;
  const rows = await readMentorWorkloads(db, 'all', where, Prisma.sql`ORDER BY ${order} LIMIT ${input.limit + 1}`);
  return toPage(rows, input.limit, toMentorWorkload);
}
