/**
 * Mentors with their workload and capacity (rule 5 of @worklets/db/assignment-rules): the one
 * SQL behind the Mentors list, its "over capacity" filter and load sort, a mentor's page, the
 * picker, the coverage count and the capacity check of every assignment write, so they all
 * count the same thing: active assignments on open worklets, by role, against the mentor's
 * own capacity or else the program's default.
 *
 * One statement however many mentors a page, a search or a lock set holds.
 */
import { Prisma, type SqlClient } from '@worklets/db';
import { openWorkletStatuses } from '@worklets/db/assignment-rules';

type Db = Pick<SqlClient, '$queryRaw'>;

/** Constants of the rule module, written into the SQL (no user input). */
const openStatuses = Prisma.raw(openWorkletStatuses.map((s) => `'${s}'`).join(', '));

/**
 * The program's default capacity: its one settings row (made by the migration that made the
 * table). 8 is the column's default, for a database whose row someone removed by hand.
 */
const programDefaultCapacity = Prisma.sql`COALESCE((SELECT default_mentor_capacity FROM program_settings WHERE id = 1), 8)`;

const roleCounts = Prisma.sql`
  count(*) FILTER (WHERE a.role_type = 'Primary')::int AS "primary",
  count(*) FILTER (WHERE a.role_type = 'Secondary')::int AS secondary,
  count(*) FILTER (WHERE a.role_type = 'Collaborator')::int AS collaborator,
  count(*)::int AS total`;
const openAssignments = Prisma.sql`
  mentor_worklet_assignments a JOIN worklets w ON w.id = a.worklet_id
  WHERE a.is_active AND w.status IN (${openStatuses})`;

/**
 * Two plans for the same counts. For a few mentors (one mentor, a page of the picker, the
 * mentors of a write) each is counted on the (mentor_id, is_active) index; for every mentor
 * (the list's load sort and filter, the coverage count) one pass over the active assignments
 * is far cheaper than thousands of index probes (5,000 mentors, 50,000 worklets: ~0.6 s).
 */
const loadsOf = {
  few: Prisma.sql`CROSS JOIN LATERAL (SELECT ${roleCounts} FROM ${openAssignments} AND a.mentor_id = u.id) l`,
  all: Prisma.sql`LEFT JOIN (SELECT a.mentor_id, ${roleCounts} FROM ${openAssignments} GROUP BY a.mentor_id) l
                  ON l.mentor_id = u.id`,
};
type Plan = keyof typeof loadsOf;

/** Every mentor's row: `m.*` in the queries below. */
function mentorWorkloadRows(plan: Plan) {
  return Prisma.sql`
    SELECT u.id, u.name, u.email, u.is_active AS "isActive", u.created_at AS "createdAt",
           u.capacity AS "ownCapacity", COALESCE(u.capacity, d.capacity) AS capacity,
           COALESCE(l."primary", 0) AS "primary", COALESCE(l.secondary, 0) AS secondary,
           COALESCE(l.collaborator, 0) AS collaborator, COALESCE(l.total, 0) AS total,
           COALESCE(l.total, 0) - COALESCE(u.capacity, d.capacity) AS excess
    FROM users u
    CROSS JOIN (SELECT ${programDefaultCapacity} AS capacity) d
    ${loadsOf[plan]}
    WHERE u.role = 'mentor'`;
}

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
 * Mentors (`role = 'mentor'`) matching `where` (on `m`), with `tail` (ORDER BY, LIMIT) after
 * it; `plan`: `few` when `where` or a LIMIT on an index order keeps it to a few mentors.
 */
export function readMentorWorkloads(
  db: Db,
  plan: Plan,
  where: Prisma.Sql = Prisma.sql`true`,
  tail: Prisma.Sql = Prisma.empty,
): Promise<MentorWorkloadRow[]> {
  return db.$queryRaw<MentorWorkloadRow[]>`
    SELECT m.* FROM (${mentorWorkloadRows(plan)}) m WHERE ${where} ${tail}`;
}

/** How many mentors are over capacity: the coverage count, the list filter's definition. */
export async function countMentorsOverCapacity(db: Db): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM (${mentorWorkloadRows('all')}) m WHERE ${overCapacitySql}`;
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
