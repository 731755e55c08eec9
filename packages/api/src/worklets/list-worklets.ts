/**
 * The worklet card list: one page in a constant number of SQL statements whatever its
 * size (the worklets, their active assignments, those assignments' mentors), with keyset
 * pagination on id, newest first.
 */
import type { Prisma, PrismaClient } from '@worklets/db';
import type { ListWorkletsInput, WorkletCoverage } from '@worklets/validators/worklets';
import { activeAssignmentSelect, mentorOrder, toWorkletMentor } from '../assignments/assignment-select.ts';
import type { SessionUser } from '../context.ts';
import { toPage } from '../pagination.ts';
import { containsText } from '../search-text.ts';
import { visibleWorklets } from './worklet-scope.ts';

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

const workletCardSelect = {
  id: true,
  title: true,
  description: true,
  status: true,
  version: true,
  updatedAt: true,
  mentorAssignments: { where: { isActive: true }, select: activeAssignmentSelect, orderBy: mentorOrder },
} satisfies Prisma.WorkletSelect;

type WorkletCardRow = Prisma.WorkletGetPayload<{ select: typeof workletCardSelect }>;

function toWorkletCard(row: WorkletCardRow) {
  const mentors = row.mentorAssignments.map(toWorkletMentor);
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    status: row.status,
    version: row.version,
    updatedAt: row.updatedAt,
    mentors,
    hasPrimary: mentors.some((m) => m.role === 'Primary'),
  };
}

export async function listWorklets(db: PrismaClient, user: SessionUser, input: ListWorkletsInput & { limit: number }) {
  const rows = await db.worklet.findMany({
    where: {
      AND: [visibleWorklets(user), ...workletFilters(input), ...(input.cursor ? [{ id: { lt: input.cursor } }] : [])],
    },
    orderBy: { id: 'desc' },
    take: input.limit + 1,
    select: workletCardSelect,
  });
  return toPage(rows, input.limit, toWorkletCard);
}
