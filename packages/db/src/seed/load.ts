/**
 * Loads a generated program into an empty database in batches: one
 * `INSERT ... SELECT FROM unnest(...)` per table and batch, not one statement per row,
 * then moves the id sequences past the loaded ids.
 */
import type { Queryable } from '../sql.ts';
import type { Program } from './program.ts';

const batchSize = 20_000;

type Column<T> = { name: string; type: string; value: (row: T) => unknown };

async function insertBatched<T>(db: Queryable, table: string, rows: T[], columns: Column<T>[]): Promise<void> {
  const names = columns.map((c) => `"${c.name}"`).join(', ');
  const params = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  const sql = `INSERT INTO "${table}" (${names}) SELECT * FROM unnest(${params})`;
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    await db.query(
      sql,
      columns.map((c) => batch.map(c.value)),
    );
  }
}

export async function isDatabaseEmpty(db: Queryable): Promise<boolean> {
  const result = await db.query<{ n: number }>(
    'SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM worklets) AS n',
  );
  return Number(result.rows[0]?.n) === 0;
}

export async function loadProgram(db: Queryable, program: Program): Promise<void> {
  await db.query('BEGIN');
  try {
    await insertBatched(db, 'users', program.users, [
      { name: 'id', type: 'int', value: (u) => u.id },
      { name: 'email', type: 'text', value: (u) => u.email },
      { name: 'name', type: 'text', value: (u) => u.name },
      { name: 'role', type: 'user_role', value: (u) => u.role },
      { name: 'is_active', type: 'boolean', value: (u) => u.isActive },
      { name: 'created_at', type: 'timestamptz', value: (u) => u.createdAt },
      { name: 'updated_at', type: 'timestamptz', value: (u) => u.createdAt },
      { name: 'capacity', type: 'int', value: (u) => u.capacity },
    ]);
    await insertBatched(db, 'worklets', program.worklets, [
      { name: 'id', type: 'int', value: (w) => w.id },
      { name: 'title', type: 'text', value: (w) => w.title },
      { name: 'description', type: 'text', value: (w) => w.description },
      { name: 'status', type: 'worklet_status', value: (w) => w.status },
      { name: 'mentor_id', type: 'int', value: (w) => w.mentorId },
      { name: 'version', type: 'int', value: (w) => w.version },
      { name: 'created_at', type: 'timestamptz', value: (w) => w.createdAt },
      { name: 'updated_at', type: 'timestamptz', value: (w) => w.createdAt },
    ]);
    await insertBatched(db, 'mentor_worklet_assignments', program.assignments, [
      { name: 'id', type: 'int', value: (a) => a.id },
      { name: 'mentor_id', type: 'int', value: (a) => a.mentorId },
      { name: 'worklet_id', type: 'int', value: (a) => a.workletId },
      { name: 'assigned_at', type: 'timestamptz', value: (a) => a.assignedAt },
      { name: 'role_type', type: 'role_type', value: (a) => a.roleType },
      { name: 'is_active', type: 'boolean', value: (a) => a.isActive },
      { name: 'assigned_by', type: 'int', value: (a) => a.assignedBy },
    ]);
    await insertBatched(db, 'assignment_events', program.events, [
      { name: 'id', type: 'int', value: (e) => e.id },
      { name: 'assignment_id', type: 'int', value: (e) => e.assignmentId },
      { name: 'worklet_id', type: 'int', value: (e) => e.workletId },
      { name: 'mentor_id', type: 'int', value: (e) => e.mentorId },
      { name: 'mentor_name', type: 'text', value: (e) => e.mentorName },
      { name: 'mentor_email', type: 'text', value: (e) => e.mentorEmail },
      { name: 'actor_id', type: 'int', value: (e) => e.actorId },
      { name: 'actor_name', type: 'text', value: (e) => e.actorName },
      { name: 'type', type: 'assignment_event_type', value: (e) => e.type },
      { name: 'old_role', type: 'role_type', value: (e) => e.oldRole },
      { name: 'new_role', type: 'role_type', value: (e) => e.newRole },
      { name: 'occurred_at', type: 'timestamptz', value: (e) => e.occurredAt },
      { name: 'worklet_version', type: 'int', value: (e) => e.workletVersion },
    ]);
    // The count the worklets table sorts on (kept by workletsChangedSql after every change).
    await db.query(`UPDATE worklets w SET active_mentors = a.n
      FROM (SELECT worklet_id, count(*)::int AS n FROM mentor_worklet_assignments WHERE is_active GROUP BY worklet_id) a
      WHERE a.worklet_id = w.id`);
    for (const table of ['users', 'worklets', 'mentor_worklet_assignments', 'assignment_events']) {
      await db.query(
        `SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST((SELECT max(id) FROM "${table}"), 1))`,
      );
    }
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
  // Fresh statistics, so the planner picks the indexes right after a bulk load.
  await db.query('ANALYZE');
}
