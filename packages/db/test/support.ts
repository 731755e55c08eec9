/**
 * Small helpers shared by the data-layer tests (not a test file itself).
 */
import type pg from 'pg';

/**
 * The timeouts vitest.config.ts means for database tests (60 s a test, 120 s a hook).
 * Its root-level `testTimeout` / `hookTimeout` do not reach inline projects that lack
 * `extends: true`, which leaves Vitest's defaults (5 s / 10 s): too short for starting
 * PGlite and running the WASM schema engine on a busy 2-core machine. Each test file
 * applies these with `vi.setConfig(databaseTestTimeouts)`.
 */
export const databaseTestTimeouts = { testTimeout: 60_000, hookTimeout: 120_000 };

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

const appTables = ['users', 'worklets', 'mentor_worklet_assignments', 'assignment_events'] as const;
export type AppTable = (typeof appTables)[number];

/** Empties every application table and restarts the id sequences at 1. */
export async function truncateAll(db: Queryable): Promise<void> {
  await db.query(`TRUNCATE ${appTables.join(', ')} RESTART IDENTITY CASCADE`);
}

/**
 * Every row of every application table, as PostgreSQL's own text form of the row, ordered
 * by id: two dumps are equal exactly when the tables hold the same values.
 */
export async function dumpTables(db: Queryable): Promise<Record<AppTable, string[]>> {
  const dump = {} as Record<AppTable, string[]>;
  for (const table of appTables) {
    const result = await db.query<{ row: string }>(`SELECT t::text AS row FROM "${table}" t ORDER BY t.id`);
    dump[table] = result.rows.map((r) => r.row);
  }
  return dump;
}

export async function insertUser(
  db: Queryable,
  name: string,
  role: 'admin' | 'mentor' | 'student' = 'mentor',
): Promise<number> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}@example.test`;
  const result = await db.query<{ id: number }>(
    'INSERT INTO users (email, name, role) VALUES ($1, $2, $3) RETURNING id',
    [email, name, role],
  );
  return result.rows[0]!.id;
}

export async function insertWorklet(
  db: Queryable,
  title: string,
  mentorId: number | null = null,
  status = 'active',
): Promise<number> {
  const result = await db.query<{ id: number }>(
    'INSERT INTO worklets (title, mentor_id, status) VALUES ($1, $2, $3::worklet_status) RETURNING id',
    [title, mentorId, status],
  );
  return result.rows[0]!.id;
}

export async function insertAssignment(
  db: Queryable,
  a: {
    mentorId: number;
    workletId: number;
    roleType?: 'Primary' | 'Secondary' | 'Collaborator';
    isActive?: boolean;
    assignedBy?: number | null;
  },
): Promise<number> {
  const result = await db.query<{ id: number }>(
    `INSERT INTO mentor_worklet_assignments (mentor_id, worklet_id, role_type, is_active, assigned_by)
     VALUES ($1, $2, $3::role_type, $4, $5) RETURNING id`,
    [a.mentorId, a.workletId, a.roleType ?? 'Primary', a.isActive ?? true, a.assignedBy ?? null],
  );
  return result.rows[0]!.id;
}

/** An `assigned` event for an assignment, with the mentor's and actor's names copied in. */
export async function insertAssignedEvent(
  db: Queryable,
  assignmentId: number,
  actorId: number | null,
): Promise<number> {
  const result = await db.query<{ id: number }>(
    `INSERT INTO assignment_events (assignment_id, worklet_id, mentor_id, mentor_name, mentor_email, actor_id, actor_name, type, new_role, worklet_version)
     SELECT a.id, a.worklet_id, a.mentor_id, m.name, m.email, actor.id, actor.name, 'assigned', a.role_type, w.version
     FROM mentor_worklet_assignments a
     JOIN worklets w ON w.id = a.worklet_id
     JOIN users m ON m.id = a.mentor_id
     LEFT JOIN users actor ON actor.id = $2
     WHERE a.id = $1
     RETURNING id`,
    [assignmentId, actorId],
  );
  return result.rows[0]!.id;
}
