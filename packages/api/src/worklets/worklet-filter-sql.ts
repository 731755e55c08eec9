/**
 * The worklet filters of the card list, written as SQL for the table's hand-written keyset
 * query (its Primary sort needs a join and a plan that Prisma cannot express). Each line says
 * what its Prisma twin says; worklets-table.test.ts proves that both return the same
 * worklets for every filter and role:
 *   scope    — visibleWorklets (worklet-scope.ts)
 *   coverage — coverageFilter (list-worklets.ts)
 *   search   — containsText (search-text.ts): case-insensitive, `%`, `_` and `\` literal
 * `w` is the alias of `worklets` in the query.
 */
import { Prisma } from '@worklets/db';
import type { WorkletCoverage, WorkletStatus } from '@worklets/validators/worklets';
import type { SessionUser } from '../context.ts';

export type WorkletFilterValues = {
  status?: WorkletStatus | undefined;
  mentorId?: number | undefined;
  search?: string | undefined;
  coverage?: WorkletCoverage | undefined;
};

function activeAssignment(condition: Prisma.Sql) {
  return Prisma.sql`EXISTS (SELECT 1 FROM mentor_worklet_assignments a
    WHERE a.worklet_id = w.id AND a.is_active AND ${condition})`;
}

function scopeSql(user: SessionUser): Prisma.Sql[] {
  switch (user.role) {
    case 'admin':
      return [];
    case 'mentor':
      return [activeAssignment(Prisma.sql`a.mentor_id = ${user.id}`)];
    case 'student':
      return [Prisma.sql`w.status IN ('active', 'completed')`];
  }
}

function coverageSql(coverage: WorkletCoverage | undefined): Prisma.Sql[] {
  if (!coverage || coverage === 'all') return [];
  const open = Prisma.sql`w.status IN ('draft', 'active')`;
  const assignment =
    coverage === 'needs_primary'
      ? activeAssignment(Prisma.sql`a.role_type = 'Primary'`)
      : activeAssignment(Prisma.sql`TRUE`);
  return [open, Prisma.sql`NOT ${assignment}`];
}

/** The conditions (AND-ed) a worklet `w` must meet to be shown to `user` with these filters. */
export function workletFilterSql(user: SessionUser, filters: WorkletFilterValues): Prisma.Sql {
  const conditions = [...scopeSql(user), ...coverageSql(filters.coverage)];
  if (filters.status) conditions.push(Prisma.sql`w.status = ${filters.status}::worklet_status`);
  if (filters.mentorId) conditions.push(activeAssignment(Prisma.sql`a.mentor_id = ${filters.mentorId}`));
  if (filters.search) {
    conditions.push(Prisma.sql`w.title ILIKE ${`%${filters.search.replace(/[\\%_]/g, '\\$&')}%`}`);
  }
  return conditions.length ? Prisma.join(conditions, ' AND ') : Prisma.sql`TRUE`;
}
