/**
 * The two single-row reads every screen and service calls most, as hand-written SQL (one
 * statement each, through `queryRead` so that they may go to a read replica). Prisma's
 * query compiler and result mapping cost about as much CPU as the rest of the request
 * (`pnpm bench --profile`: see the README's "Per-request cost"); the answers are the same
 * as the Prisma queries they replace, which hand-written-reads.test.ts checks value for value.
 */
import { Prisma, queryRead, type SqlClient } from '@worklets/db';
import type { MentorRole } from '@worklets/validators/assignments';
import type { WorkletStatus } from '@worklets/validators/worklets';
import type { SessionUser } from '../context.ts';
import { workletFilterSql } from '../worklets/worklet-filter-sql.ts';
import { mentorOrderSql, type WorkletMentor } from './assignment-select.ts';

type Db = Pick<SqlClient, '$queryRaw'>;

/** What a `MentorRow` holds, from assignments `a` and their mentors `u`. */
const mentorColumns = Prisma.sql`a.id, a.role_type::text AS role, a.assigned_at, u.id AS mentor_id, u.name, u.email`;

/**
 * A worklet's active mentors, Primary first (mentorOrder: role, then oldest first), or null
 * when `user` may not see the worklet or it does not exist. The worklet row comes once even
 * without mentors (a NULL assignment), so "no mentors" and "no worklet" differ.
 */
export async function workletMentors(db: Db, user: SessionUser, workletId: number): Promise<WorkletMentor[] | null> {
  const rows = await queryRead<MentorRow>(
    db,
    Prisma.sql`SELECT ${mentorColumns}
      FROM worklets w
      LEFT JOIN (mentor_worklet_assignments a JOIN users u ON u.id = a.mentor_id) ON a.worklet_id = w.id AND a.is_active
      WHERE w.id = ${workletId} AND ${workletFilterSql(user, {})}
      ORDER BY ${mentorOrderSql}`,
  );
  return rows.length === 0 ? null : toMentors(rows);
}

/**
 * The same list inside a write's transaction (`tx`: it sees the write), for the answer of
 * assign and the other assignment writes; the worklet is locked and exists.
 */
export async function lockedWorkletMentors(tx: Db, workletId: number): Promise<WorkletMentor[]> {
  const rows = await tx.$queryRaw<MentorRow[]>`
    SELECT ${mentorColumns}
    FROM mentor_worklet_assignments a JOIN users u ON u.id = a.mentor_id
    WHERE a.worklet_id = ${workletId} AND a.is_active
    ORDER BY ${mentorOrderSql}`;
  return toMentors(rows);
}

type MentorRow = {
  id: number | null;
  role: MentorRole;
  assigned_at: Date;
  mentor_id: number;
  name: string;
  email: string;
};

function toMentors(rows: MentorRow[]): WorkletMentor[] {
  return rows
    .filter((r) => r.id !== null)
    .map((r) => ({
      assignmentId: r.id!,
      mentorId: r.mentor_id,
      name: r.name,
      email: r.email,
      role: r.role,
      assignedAt: r.assigned_at,
    }));
}

export type MentorWorklet = {
  assignmentId: number;
  role: MentorRole;
  assignedAt: Date;
  workletId: number;
  title: string;
  status: WorkletStatus;
};

/** A user's active worklets with their role on each (role, then newest worklet first), or null when no such user. */
export async function mentorWorklets(db: Db, mentorId: number): Promise<MentorWorklet[] | null> {
  type Row = {
    id: number | null;
    role: MentorRole;
    assigned_at: Date;
    worklet_id: number;
    title: string;
    status: WorkletStatus;
  };
  const rows = await queryRead<Row>(
    db,
    Prisma.sql`SELECT a.id, a.role_type::text AS role, a.assigned_at, w.id AS worklet_id, w.title, w.status::text AS status
      FROM users m
      LEFT JOIN (mentor_worklet_assignments a JOIN worklets w ON w.id = a.worklet_id) ON a.mentor_id = m.id AND a.is_active
      WHERE m.id = ${mentorId}
      ORDER BY a.role_type, a.worklet_id DESC`,
  );
  if (rows.length === 0) return null;
  return rows
    .filter((r) => r.id !== null)
    .map((r) => ({
      assignmentId: r.id!,
      role: r.role,
      assignedAt: r.assigned_at,
      workletId: r.worklet_id,
      title: r.title,
      status: r.status,
    }));
}
