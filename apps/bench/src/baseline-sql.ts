/**
 * The hand-written SQL of the baseline server (baseline-server.ts), in one place so that
 * explain.ts can EXPLAIN exactly what the baseline runs. Plain `pg`, no ORM: each read is
 * one statement (plus one existence check when it finds nothing), the card page is two.
 */

/** A worklet's active mentors, Primary first, oldest first within a role. */
export const workletMentorsSql = `
  SELECT a.id AS "assignmentId", a.mentor_id AS "mentorId", u.name, u.email, a.role_type AS role, a.assigned_at AS "assignedAt"
  FROM mentor_worklet_assignments a
  JOIN users u ON u.id = a.mentor_id
  WHERE a.worklet_id = $1 AND a.is_active
  ORDER BY a.role_type, a.assigned_at, a.id`;

export const workletExistsSql = 'SELECT 1 FROM worklets WHERE id = $1';

/** A mentor's active worklets with their role on each: by role, newest worklet first. */
export const mentorWorkletsSql = `
  SELECT a.id AS "assignmentId", a.role_type AS role, a.assigned_at AS "assignedAt", w.id AS "workletId", w.title, w.status
  FROM mentor_worklet_assignments a
  JOIN worklets w ON w.id = a.worklet_id
  WHERE a.mentor_id = $1 AND a.is_active
  ORDER BY a.role_type, a.worklet_id DESC`;

export const userExistsSql = 'SELECT 1 FROM users WHERE id = $1';

export type CardFilters = {
  status?: string | undefined;
  mentorId?: number | undefined;
  search?: string | undefined;
  coverage?: 'all' | 'needs_primary' | 'no_mentors' | undefined;
  cursor?: number | null | undefined;
};

/** The card page query (limit + 1 rows, newest first) for the given filters. */
export function cardPageQuery(filters: CardFilters, limit: number): { text: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (filters.status) where.push(`w.status = ${param(filters.status)}::worklet_status`);
  if (filters.mentorId) {
    where.push(
      `w.id IN (SELECT m.worklet_id FROM mentor_worklet_assignments m WHERE m.mentor_id = ${param(filters.mentorId)} AND m.is_active)`,
    );
  }
  if (filters.search) where.push(`w.title ILIKE ${param(`%${filters.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
  if (filters.coverage === 'needs_primary') {
    where.push(
      `NOT EXISTS (SELECT 1 FROM mentor_worklet_assignments p WHERE p.worklet_id = w.id AND p.role_type = 'Primary' AND p.is_active)`,
    );
  }
  if (filters.coverage === 'no_mentors') {
    where.push(`NOT EXISTS (SELECT 1 FROM mentor_worklet_assignments p WHERE p.worklet_id = w.id AND p.is_active)`);
  }
  if (filters.cursor) where.push(`w.id < ${param(filters.cursor)}`);
  const text = `
  SELECT w.id, w.title, w.description, w.status, w.updated_at AS "updatedAt"
  FROM worklets w
  ${where.length ? `WHERE ${where.join('\n    AND ')}` : ''}
  ORDER BY w.id DESC
  LIMIT ${param(limit + 1)}`;
  return { text, values };
}

/** The active mentors of the worklets of one card page, in one statement. */
export const cardMentorsSql = `
  SELECT a.worklet_id AS "workletId", a.id AS "assignmentId", a.mentor_id AS "mentorId", u.name, u.email,
         a.role_type AS role, a.assigned_at AS "assignedAt"
  FROM mentor_worklet_assignments a
  JOIN users u ON u.id = a.mentor_id
  WHERE a.worklet_id = ANY($1::int[]) AND a.is_active
  ORDER BY a.worklet_id, a.role_type, a.assigned_at, a.id`;

// --- assign: one transaction, the worklet row locked first (same rules as the API) ---

export const lockWorkletSql = 'SELECT id, title, status FROM worklets WHERE id = $1 FOR UPDATE';

export const workletAssignmentsSql = `
  SELECT a.id, a.mentor_id AS "mentorId", a.role_type AS "roleType", a.is_active AS "isActive", u.name, u.email
  FROM mentor_worklet_assignments a
  JOIN users u ON u.id = a.mentor_id
  WHERE a.worklet_id = $1
  ORDER BY a.id`;

/** FOR SHARE: a concurrent deactivation or role change of the mentor waits (as in the API). */
export const mentorForAssignSql =
  'SELECT id, name, email, role, is_active AS "isActive" FROM users WHERE id = $1 FOR SHARE';

export const insertAssignmentSql = `
  INSERT INTO mentor_worklet_assignments (mentor_id, worklet_id, role_type, is_active, assigned_by)
  VALUES ($1, $2, $3::role_type, true, $4)
  RETURNING id`;

export const reactivateAssignmentSql = `
  UPDATE mentor_worklet_assignments SET is_active = true, role_type = $2::role_type, assigned_at = now(), assigned_by = $3
  WHERE id = $1`;

export const demoteAssignmentSql = `UPDATE mentor_worklet_assignments SET role_type = 'Secondary' WHERE id = $1`;

/** One statement for all events of the change (unnest of parallel arrays). */
export const insertEventsSql = `
  INSERT INTO assignment_events (assignment_id, worklet_id, mentor_id, mentor_name, mentor_email, actor_id, actor_name, type, old_role, new_role)
  SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::text[], $6::int[], $7::text[],
                       $8::assignment_event_type[], $9::role_type[], $10::role_type[])`;

export const syncLegacyMentorSql = `
  UPDATE worklets SET mentor_id = (
    SELECT mentor_id FROM mentor_worklet_assignments WHERE worklet_id = $1 AND role_type = 'Primary' AND is_active
  )
  WHERE id = $1`;
