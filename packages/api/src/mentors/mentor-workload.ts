/**
 * Mentors with their workload and capacity (rule 5 of @worklets/db/assignment-rules): the one
 * SQL behind the Mentors list, its "over capacity" filter and load sort, a mentor's page, the
 * picker, the coverage count and the capacity check of every assignment write, so they all
 * count the same thing: active assignments on open worklets, by role, against the mentor's
 * own capacity or else the program's default.
 *
 * The counts come from a LATERAL subquery per mentor on the (mentor_id, is_active) index,
 * so a page, a search or a lock set costs one statement however many mentors it holds.
 */
import { Prisma } from '@worklets/db';
import { openWorkletStatuses } from '@worklets/db/assignment-rules';

type Db = { $queryRaw: Prisma.TransactionClient['$queryRaw'] };

/** Constants of the rule module, written into the SQL (no user input). */
const openStatuses = Prisma.raw(openWorkletStatuses.map((s) => `'${s}'`).join(', '));

/**
 * The program's default capacity: its one settings row (made by the migration that made the
 * table). 8 is the column's default, for a database whose row someone removed by hand.
 */
const programDefaultCapacity = Prisma.sql`COALESCE((SELECT default_mentor_capacity FROM program_settings WHERE id = 1), 8)`;

/** One mentor's row: `m.*` in the queries below. */
const mentorWorkloadRows = Prisma.sql`
  SELECT u.id, u.name, u.email, u.is_active AS "isActive", u.created_at AS "createdAt",
         u.capacity AS "ownCapacity", COALESCE(u.capacity, d.capacity) AS capacity,
         l."primary", l.secondary, l.collaborator, l.total,
         l.total - COALESCE(u.capacity, d.capacity) AS excess
  FROM users u
  CROSS JOIN (SELECT ${programDefaultCapacity} AS capacity) d
  CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE a.role_type = 'Primary')::int AS "primary",
           count(*) FILTER (WHERE a.role_type = 'Secondary')::int AS secondary,
           count(*) FILTER (WHERE a.role_type = 'Collaborator')::int AS collaborator,
           count(*)::int AS total
    FROM mentor_worklet_assignments a JOIN worklets w ON w.id = a.worklet_id
    WHERE a.mentor_id = u.id AND a.is_active AND w.status IN (${openStatuses})
  ) l`;

export type MentorWorkloadRow = {
  id: number;
  name: string;
  email: string;
  isActive: boolean;
  createdAt: Date;
  ownCapacity: number | null;
  capacity: number;
  primary: number;
  secondary: number;
  collaborator: number;
  total: number;
  /** Open worklets minus capacity: the load the list sorts by (positive: over capacity). */
  excess: number;
};

/** The definition of "over capacity" in SQL, on a row of `mentorWorkloadRows` named `m`. */
export const overCapacitySql = Prisma.sql`m.total > m.capacity`;

/**
 * Mentors (`role = 'mentor'`) matching `where` (on `m`), with `tail` (ORDER BY, LIMIT) after it.
 */
export function readMentorWorkloads(
  db: Db,
  where: Prisma.Sql = Prisma.sql`true`,
  tail: Prisma.Sql = Prisma.empty,
): Promise<MentorWorkloadRow[]> {
  return db.$queryRaw<MentorWorkloadRow[]>`
    SELECT m.* FROM (${mentorWorkloadRows} WHERE u.role = 'mentor') m WHERE ${where} ${tail}`;
}

/** How many mentors are over capacity: the coverage count, the list filter's definition. */
export async function countMentorsOverCapacity(db: Db): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM (${mentorWorkloadRows} WHERE u.role = 'mentor') m WHERE ${overCapacitySql}`;
  return row?.n ?? 0;
}

/** A mentor's workload and capacity as the API returns them. */
export function toMentorWorkload(row: MentorWorkloadRow) {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    isActive: row.isActive,
    workload: { Primary: row.primary, Secondary: row.secondary, Collaborator: row.collaborator, total: row.total },
    capacity: row.capacity,
    ownCapacity: row.ownCapacity,
    overCapacity: row.total > row.capacity,
  };
}
