/**
 * The worklet card list: one page in one SQL statement whatever its size (the worklets with
 * their active assignments and those assignments' mentors), with keyset pagination on id,
 * newest first. The Prisma filters here (`workletFilters`, `coverageFilter`) serve bulk
 * changes, exports and the coverage counts.
 */
import { Prisma, type PrismaClient, queryRead } from '@worklets/db';
import type { MentorRole } from '@worklets/validators/assignments';
import type { ListWorkletsInput, WorkletCoverage, WorkletStatus } from '@worklets/validators/worklets';
import { mentorOrderSql } from '../assignments/assignment-select.ts';
import type { SessionUser } from '../context.ts';
import { toPage } from '../pagination.ts';
import { containsText } from '../search-text.ts';
import { workletFilterSql } from './worklet-filter-sql.ts';

type Filters = Omit<ListWorkletsInput, 'cursor' | 'limit'>;

/**
 * The one definition of coverage, for the list's filters and the coverage counts alike:
 * only open worklets (draft or active) need mentors; completed and archived ones never do.
 */
export function coverageFilter(coverage: Exclude<WorkletCoverage, 'all'>): Prisma.WorkletWhereInput {
  const open: Prisma.WorkletWhereInput = { status: { in: ['draft', 'active'] } };
  return coverage === 'needs_primary'
    ? { AND: [open, { mentorAssignments: { none: { isActive: true, roleType: 'Primary' } } }] }
    : { AND: [open, { mentorAssignments: { none: { isActive: true } } }] };
}

/** The list's filters as `where` clauses (bulk changes and CSV exports use them too). */
export function workletFilters(input: Filters): Prisma.WorkletWhereInput[] {
  const where: Prisma.WorkletWhereInput[] = [];
  if (input.status) where.push({ status: input.status });
  if (input.mentorId) where.push({ mentorAssignments: { some: { mentorId: input.mentorId, isActive: true } } });
  if (input.search) where.push({ title: containsText(input.search) });
  if (input.coverage && input.coverage !== 'all') where.push(coverageFilter(input.coverage));
  return where;
}

/** An active assignment as the card query's JSON carries it (short keys: less to parse). */
type CardMentorJson = { a: number; m: number; n: string; e: string; r: MentorRole; t: string };

type CardRow = {
  id: number;
  title: string;
  description: string;
  status: WorkletStatus;
  version: number;
  updated_at: Date;
  mentors: CardMentorJson[];
};

function toWorkletCard(row: CardRow) {
  const mentors = row.mentors.map((m) => ({
    assignmentId: m.a,
    mentorId: m.m,
    name: m.n,
    email: m.e,
    role: m.r,
    assignedAt: new Date(m.t),
  }));
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    status: row.status,
    version: row.version,
    updatedAt: row.updated_at,
    mentors,
    hasPrimary: mentors.some((m) => m.role === 'Primary'),
  };
}

/**
 * A page of cards in one hand-written statement (through `queryRead`, so it may go to a read
 * replica): the worklets by id, newest first, each with its active mentors as JSON in
 * mentorOrder (role, then oldest first). The filters are `workletFilterSql`, the proven twin
 * of `workletFilters`; Prisma's nested select cost about half the server's CPU of a card page.
 */
export async function listWorklets(db: PrismaClient, user: SessionUser, input: ListWorkletsInput & { limit: number }) {
  const rows = await queryRead<CardRow>(
    db,
    Prisma.sql`SELECT w.id, w.title, w.description, w.status::text AS status, w.version, w.updated_at,
      COALESCE((SELECT json_agg(json_build_object('a', a.id, 'm', u.id, 'n', u.name, 'e', u.email, 'r', a.role_type, 't', a.assigned_at)
          ORDER BY ${mentorOrderSql})
        FROM mentor_worklet_assignments a JOIN users u ON u.id = a.mentor_id
        WHERE a.worklet_id = w.id AND a.is_active), '[]') AS mentors
      FROM worklets w
      WHERE ${workletFilterSql(user, input)} ${input.cursor ? Prisma.sql`AND w.id < ${input.cursor}` : Prisma.empty}
      ORDER BY w.id DESC
      LIMIT ${input.limit + 1}`,
  );
  return toPage(rows, input.limit, toWorkletCard);
}
