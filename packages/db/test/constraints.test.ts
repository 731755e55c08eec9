/**
 * Every constraint of prisma/schema.prisma, checked against the migrated database:
 * foreign-key actions, unique keys, the partial unique index "one active Primary per
 * worklet", defaults, enum and NOT NULL checks, and the indexes the queries rely on.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Prisma } from '../src/generated/prisma/client.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing/test-database.ts';
import {
  databaseTestTimeouts,
  insertAssignedEvent,
  insertAssignment,
  insertUser,
  insertWorklet,
  truncateAll,
} from './support.ts';

vi.setConfig(databaseTestTimeouts);

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.close();
});

beforeEach(async () => {
  await truncateAll(db.pool);
});

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const result = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM (${sql}) q`, params);
  return Number(result.rows[0]!.n);
}

async function row<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T> {
  const result = await db.pool.query<T>(sql, params);
  expect(result.rows).toHaveLength(1);
  return result.rows[0]!;
}

describe('foreign-key actions', () => {
  it('deleting a user cascades their assignments, nulls assigned_by on assignments they made and nulls worklets.mentor_id', async () => {
    const admin = await insertUser(db.pool, 'Ada Admin', 'admin');
    const leaving = await insertUser(db.pool, 'Lea Leaving');
    const staying = await insertUser(db.pool, 'Sam Staying');
    const w1 = await insertWorklet(db.pool, 'W1', leaving);
    const w2 = await insertWorklet(db.pool, 'W2', staying);
    const leavingOnW1 = await insertAssignment(db.pool, { mentorId: leaving, workletId: w1, assignedBy: admin });
    const madeByLeaving = await insertAssignment(db.pool, { mentorId: staying, workletId: w2, assignedBy: leaving });
    const madeByAdmin = await insertAssignment(db.pool, {
      mentorId: staying,
      workletId: w1,
      roleType: 'Secondary',
      assignedBy: admin,
    });

    await db.pool.query('DELETE FROM users WHERE id = $1', [leaving]);

    expect(await count('SELECT 1 FROM mentor_worklet_assignments WHERE id = $1', [leavingOnW1])).toBe(0);
    expect(await count('SELECT 1 FROM mentor_worklet_assignments WHERE mentor_id = $1', [leaving])).toBe(0);
    expect(
      await row('SELECT mentor_id, assigned_by FROM mentor_worklet_assignments WHERE id = $1', [madeByLeaving]),
    ).toEqual({
      mentor_id: staying,
      assigned_by: null,
    });
    expect(await row('SELECT assigned_by FROM mentor_worklet_assignments WHERE id = $1', [madeByAdmin])).toEqual({
      assigned_by: admin,
    });
    // The worklets stay; only the legacy column of the leaver's worklet is cleared.
    const worklets = await db.pool.query('SELECT id, mentor_id FROM worklets ORDER BY id');
    expect(worklets.rows).toEqual([
      { id: w1, mentor_id: null },
      { id: w2, mentor_id: staying },
    ]);
    expect(await count('SELECT 1 FROM users')).toBe(2);
  });

  it('deleting a worklet cascades its assignments and its assignment_events, and nothing else', async () => {
    const admin = await insertUser(db.pool, 'Ada Admin', 'admin');
    const mentor = await insertUser(db.pool, 'Max Mentor');
    const doomed = await insertWorklet(db.pool, 'Doomed', mentor);
    const kept = await insertWorklet(db.pool, 'Kept', mentor);
    const a1 = await insertAssignment(db.pool, { mentorId: mentor, workletId: doomed, assignedBy: admin });
    const a2 = await insertAssignment(db.pool, { mentorId: mentor, workletId: kept, assignedBy: admin });
    await insertAssignedEvent(db.pool, a1, admin);
    await insertAssignedEvent(db.pool, a2, admin);

    await db.pool.query('DELETE FROM worklets WHERE id = $1', [doomed]);

    expect(await count('SELECT 1 FROM mentor_worklet_assignments WHERE worklet_id = $1', [doomed])).toBe(0);
    expect(await count('SELECT 1 FROM assignment_events WHERE worklet_id = $1', [doomed])).toBe(0);
    expect(await count('SELECT 1 FROM mentor_worklet_assignments WHERE worklet_id = $1', [kept])).toBe(1);
    expect(await count('SELECT 1 FROM assignment_events WHERE worklet_id = $1', [kept])).toBe(1);
    expect(await count('SELECT 1 FROM users')).toBe(2);
  });

  it('deleting a user nulls assignment_events.mentor_id / actor_id but keeps the name and email snapshots', async () => {
    const admin = await insertUser(db.pool, 'Ada Admin', 'admin');
    const leaving = await insertUser(db.pool, 'Lea Leaving');
    const staying = await insertUser(db.pool, 'Sam Staying');
    const worklet = await insertWorklet(db.pool, 'W', leaving);
    // Lea as the mentor of an event, and Lea as the actor of another.
    const asMentor = await insertAssignedEvent(
      db.pool,
      await insertAssignment(db.pool, { mentorId: leaving, workletId: worklet, assignedBy: admin }),
      admin,
    );
    const asActor = await insertAssignedEvent(
      db.pool,
      await insertAssignment(db.pool, {
        mentorId: staying,
        workletId: worklet,
        roleType: 'Secondary',
        assignedBy: leaving,
      }),
      leaving,
    );

    await db.pool.query('DELETE FROM users WHERE id = $1', [leaving]);

    const events = await db.pool.query(
      'SELECT id, mentor_id, mentor_name, mentor_email, actor_id, actor_name FROM assignment_events ORDER BY id',
    );
    expect(events.rows).toEqual([
      {
        id: asMentor,
        mentor_id: null,
        mentor_name: 'Lea Leaving',
        mentor_email: 'lea.leaving@example.test',
        actor_id: admin,
        actor_name: 'Ada Admin',
      },
      {
        id: asActor,
        mentor_id: staying,
        mentor_name: 'Sam Staying',
        mentor_email: 'sam.staying@example.test',
        actor_id: null,
        actor_name: 'Lea Leaving',
      },
    ]);
  });

  it('deleting an assignment sets assignment_events.assignment_id to NULL and keeps the event', async () => {
    const admin = await insertUser(db.pool, 'Ada Admin', 'admin');
    const mentor = await insertUser(db.pool, 'Max Mentor');
    const worklet = await insertWorklet(db.pool, 'W', mentor);
    const assignment = await insertAssignment(db.pool, { mentorId: mentor, workletId: worklet, assignedBy: admin });
    const event = await insertAssignedEvent(db.pool, assignment, admin);

    await db.pool.query('DELETE FROM mentor_worklet_assignments WHERE id = $1', [assignment]);

    expect(
      await row('SELECT assignment_id, worklet_id, mentor_id, mentor_name, type FROM assignment_events WHERE id = $1', [
        event,
      ]),
    ).toEqual({
      assignment_id: null,
      worklet_id: worklet,
      mentor_id: mentor,
      mentor_name: 'Max Mentor',
      type: 'assigned',
    });
  });

  it('changing a user id follows into every referencing column (ON UPDATE CASCADE)', async () => {
    const admin = await insertUser(db.pool, 'Ada Admin', 'admin');
    const mentor = await insertUser(db.pool, 'Max Mentor');
    const worklet = await insertWorklet(db.pool, 'W', mentor);
    const mine = await insertAssignment(db.pool, { mentorId: mentor, workletId: worklet, assignedBy: admin });
    const other = await insertUser(db.pool, 'Oli Other');
    const madeByMentor = await insertAssignment(db.pool, {
      mentorId: other,
      workletId: worklet,
      roleType: 'Secondary',
      assignedBy: mentor,
    });
    const event = await insertAssignedEvent(db.pool, madeByMentor, mentor);
    await insertAssignedEvent(db.pool, mine, admin);

    await db.pool.query('UPDATE users SET id = 1000 WHERE id = $1', [mentor]);

    expect(await row('SELECT mentor_id FROM worklets WHERE id = $1', [worklet])).toEqual({ mentor_id: 1000 });
    expect(await row('SELECT mentor_id FROM mentor_worklet_assignments WHERE id = $1', [mine])).toEqual({
      mentor_id: 1000,
    });
    expect(await row('SELECT assigned_by FROM mentor_worklet_assignments WHERE id = $1', [madeByMentor])).toEqual({
      assigned_by: 1000,
    });
    expect(await row('SELECT actor_id FROM assignment_events WHERE id = $1', [event])).toEqual({ actor_id: 1000 });
    expect(await count('SELECT 1 FROM assignment_events WHERE mentor_id = 1000')).toBe(1);
  });

  it('deleting a user cascades their sign-in sessions and accounts; session tokens are unique', async () => {
    const leaving = await insertUser(db.pool, 'Lea Leaving');
    const staying = await insertUser(db.pool, 'Sam Staying');
    const session = `INSERT INTO sessions (token, expires_at, user_id) VALUES ($1, now() + interval '1 day', $2)`;
    const account = `INSERT INTO accounts (account_id, provider_id, user_id, password) VALUES ($1::int::text, 'credential', $1::int, 'hash')`;
    await db.pool.query(session, ['token-lea', leaving]);
    await db.pool.query(session, ['token-sam', staying]);
    await db.pool.query(account, [leaving]);
    await db.pool.query(account, [staying]);
    await expect(db.pool.query(session, ['token-sam', leaving])).rejects.toMatchObject({
      code: '23505',
      constraint: 'sessions_token_key',
    });
    await expect(db.pool.query(session, ['token-nobody', 999])).rejects.toMatchObject({
      code: '23503',
      constraint: 'sessions_user_id_fkey',
    });

    await db.pool.query('DELETE FROM users WHERE id = $1', [leaving]);

    expect((await db.pool.query('SELECT token, user_id FROM sessions')).rows).toEqual([
      { token: 'token-sam', user_id: staying },
    ]);
    expect((await db.pool.query('SELECT user_id FROM accounts')).rows).toEqual([{ user_id: staying }]);
  });

  it('rejects references to rows that do not exist (23503)', async () => {
    const mentor = await insertUser(db.pool, 'Max Mentor');
    const worklet = await insertWorklet(db.pool, 'W');
    const insert = 'INSERT INTO mentor_worklet_assignments (mentor_id, worklet_id, assigned_by) VALUES ($1, $2, $3)';
    await expect(db.pool.query(insert, [999, worklet, null])).rejects.toMatchObject({
      code: '23503',
      constraint: 'mentor_worklet_assignments_mentor_id_fkey',
    });
    await expect(db.pool.query(insert, [mentor, 999, null])).rejects.toMatchObject({
      code: '23503',
      constraint: 'mentor_worklet_assignments_worklet_id_fkey',
    });
    await expect(db.pool.query(insert, [mentor, worklet, 999])).rejects.toMatchObject({
      code: '23503',
      constraint: 'mentor_worklet_assignments_assigned_by_fkey',
    });
    await expect(db.pool.query('UPDATE worklets SET mentor_id = 999 WHERE id = $1', [worklet])).rejects.toMatchObject({
      code: '23503',
      constraint: 'worklets_mentor_id_fkey',
    });
    const event = `INSERT INTO assignment_events (assignment_id, worklet_id, mentor_id, mentor_name, mentor_email, actor_id, type, worklet_version)
                   VALUES ($1, $2, $3, 'n', 'e', $4, 'assigned', 2)`;
    await expect(db.pool.query(event, [999, worklet, mentor, null])).rejects.toMatchObject({
      constraint: 'assignment_events_assignment_id_fkey',
    });
    await expect(db.pool.query(event, [null, 999, mentor, null])).rejects.toMatchObject({
      constraint: 'assignment_events_worklet_id_fkey',
    });
    await expect(db.pool.query(event, [null, worklet, 999, null])).rejects.toMatchObject({
      constraint: 'assignment_events_mentor_id_fkey',
    });
    await expect(db.pool.query(event, [null, worklet, mentor, 999])).rejects.toMatchObject({
      constraint: 'assignment_events_actor_id_fkey',
    });
    expect(await count('SELECT 1 FROM mentor_worklet_assignments')).toBe(0);
    expect(await count('SELECT 1 FROM assignment_events')).toBe(0);
  });
});

describe('unique keys', () => {
  it('allows one row per (mentor_id, worklet_id), whatever its role and state (23505 unique_mentor_worklet)', async () => {
    const mentor = await insertUser(db.pool, 'Max Mentor');
    const worklet = await insertWorklet(db.pool, 'W');
    await insertAssignment(db.pool, { mentorId: mentor, workletId: worklet, roleType: 'Secondary', isActive: false });
    await expect(
      insertAssignment(db.pool, { mentorId: mentor, workletId: worklet, roleType: 'Collaborator' }),
    ).rejects.toMatchObject({
      code: '23505',
      constraint: 'unique_mentor_worklet',
    });
    // The same mentor on another worklet, and another mentor on the same worklet, are fine.
    await insertAssignment(db.pool, { mentorId: mentor, workletId: await insertWorklet(db.pool, 'W2') });
    await insertAssignment(db.pool, { mentorId: await insertUser(db.pool, 'Other Mentor'), workletId: worklet });
    expect(await count('SELECT 1 FROM mentor_worklet_assignments')).toBe(3);
  });

  it('reports the duplicate pair through Prisma as P2002', async () => {
    const mentor = await db.prisma.user.create({
      data: { email: 'max@example.test', name: 'Max Mentor', role: 'mentor' },
    });
    const worklet = await db.prisma.worklet.create({ data: { title: 'W' } });
    await db.prisma.mentorWorkletAssignment.create({ data: { mentorId: mentor.id, workletId: worklet.id } });
    const error = await db.prisma.mentorWorkletAssignment
      .create({ data: { mentorId: mentor.id, workletId: worklet.id, roleType: 'Secondary' } })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
    expect(await db.prisma.mentorWorkletAssignment.count()).toBe(1);
  });

  it('keeps e-mail addresses unique (23505 users_email_key)', async () => {
    await insertUser(db.pool, 'Max Mentor');
    await expect(insertUser(db.pool, 'Max Mentor', 'student')).rejects.toMatchObject({
      code: '23505',
      constraint: 'users_email_key',
    });
  });
});

describe('one active Primary per worklet', () => {
  it('rejects a second active Primary (23505 one_active_primary_per_worklet)', async () => {
    const worklet = await insertWorklet(db.pool, 'W');
    await insertAssignment(db.pool, {
      mentorId: await insertUser(db.pool, 'First Primary'),
      workletId: worklet,
      roleType: 'Primary',
    });
    const second = await insertUser(db.pool, 'Second Primary');
    await expect(
      insertAssignment(db.pool, { mentorId: second, workletId: worklet, roleType: 'Primary' }),
    ).rejects.toMatchObject({
      code: '23505',
      constraint: 'one_active_primary_per_worklet',
    });
    // Promoting an existing Secondary to a second active Primary is refused the same way.
    const secondary = await insertAssignment(db.pool, { mentorId: second, workletId: worklet, roleType: 'Secondary' });
    await expect(
      db.pool.query(`UPDATE mentor_worklet_assignments SET role_type = 'Primary' WHERE id = $1`, [secondary]),
    ).rejects.toMatchObject({ code: '23505', constraint: 'one_active_primary_per_worklet' });
  });

  it('allows an inactive Primary beside the active one, any number of Secondary, and one Primary on each worklet', async () => {
    const worklet = await insertWorklet(db.pool, 'W');
    const inactive = await insertAssignment(db.pool, {
      mentorId: await insertUser(db.pool, 'Old Primary'),
      workletId: worklet,
      isActive: false,
    });
    await insertAssignment(db.pool, { mentorId: await insertUser(db.pool, 'New Primary'), workletId: worklet });
    await insertAssignment(db.pool, {
      mentorId: await insertUser(db.pool, 'Second One'),
      workletId: worklet,
      roleType: 'Secondary',
    });
    await insertAssignment(db.pool, {
      mentorId: await insertUser(db.pool, 'Second Two'),
      workletId: worklet,
      roleType: 'Secondary',
    });
    await insertAssignment(db.pool, {
      mentorId: await insertUser(db.pool, 'Collab One'),
      workletId: worklet,
      roleType: 'Collaborator',
    });
    await insertAssignment(db.pool, {
      mentorId: await insertUser(db.pool, 'Other Primary'),
      workletId: await insertWorklet(db.pool, 'W2'),
    });
    expect(await count(`SELECT 1 FROM mentor_worklet_assignments WHERE worklet_id = $1`, [worklet])).toBe(5);
    // Reactivating the old Primary would make two: refused.
    await expect(
      db.pool.query('UPDATE mentor_worklet_assignments SET is_active = true WHERE id = $1', [inactive]),
    ).rejects.toMatchObject({
      code: '23505',
      constraint: 'one_active_primary_per_worklet',
    });
  });
});

describe('defaults, enums and NOT NULL', () => {
  it('fills in the column defaults', async () => {
    const user = await row<{ id: number; role: string; is_active: boolean; fresh: boolean }>(
      `INSERT INTO users (email, name) VALUES ('new@example.test', 'New Person')
       RETURNING id, role, is_active, abs(extract(epoch FROM clock_timestamp() - created_at)) < 60 AS fresh`,
    );
    expect(user).toMatchObject({ role: 'student', is_active: true, fresh: true });
    const worklet = await row<{ id: number }>(
      `INSERT INTO worklets (title) VALUES ('Untitled') RETURNING id, status, description, mentor_id`,
    );
    expect(worklet).toMatchObject({ status: 'draft', description: '', mentor_id: null });
    const before = Date.now();
    const assignment = await row<{
      role_type: string;
      is_active: boolean;
      assigned_by: null;
      assigned_at: Date;
      lag: number;
    }>(
      `INSERT INTO mentor_worklet_assignments (mentor_id, worklet_id) VALUES ($1, $2)
       RETURNING role_type, is_active, assigned_by, assigned_at, extract(epoch FROM clock_timestamp() - assigned_at)::float8 AS lag`,
      [user.id, worklet.id],
    );
    expect(assignment).toMatchObject({ role_type: 'Primary', is_active: true, assigned_by: null });
    // "Roughly now", by the database's clock (timestamptz(3) may round up past it) and by ours.
    expect(Math.abs(assignment.lag)).toBeLessThan(5);
    expect(Math.abs(assignment.assigned_at.getTime() - before)).toBeLessThan(60_000);
  });

  it('rejects values outside the enums (22P02)', async () => {
    const mentor = await insertUser(db.pool, 'Max Mentor');
    const worklet = await insertWorklet(db.pool, 'W');
    await expect(
      db.pool.query(
        `INSERT INTO mentor_worklet_assignments (mentor_id, worklet_id, role_type) VALUES ($1, $2, 'Lead')`,
        [mentor, worklet],
      ),
    ).rejects.toMatchObject({ code: '22P02' });
    await expect(
      db.pool.query(`INSERT INTO users (email, name, role) VALUES ('o@example.test', 'O', 'owner')`),
    ).rejects.toMatchObject({ code: '22P02' });
    await expect(db.pool.query(`INSERT INTO worklets (title, status) VALUES ('T', 'deleted')`)).rejects.toMatchObject({
      code: '22P02',
    });
    await expect(
      db.pool.query(
        `INSERT INTO assignment_events (worklet_id, mentor_name, mentor_email, type) VALUES ($1, 'n', 'e', 'removed')`,
        [worklet],
      ),
    ).rejects.toMatchObject({ code: '22P02' });
    expect(await count('SELECT 1 FROM mentor_worklet_assignments')).toBe(0);
  });

  it('requires the history snapshot columns and the keys (23502)', async () => {
    const worklet = await insertWorklet(db.pool, 'W');
    await expect(
      db.pool.query(
        `INSERT INTO assignment_events (worklet_id, mentor_name, mentor_email, type) VALUES ($1, NULL, 'e', 'assigned')`,
        [worklet],
      ),
    ).rejects.toMatchObject({ code: '23502', column: 'mentor_name' });
    await expect(
      db.pool.query(
        `INSERT INTO assignment_events (worklet_id, mentor_name, mentor_email, type) VALUES ($1, 'n', NULL, 'assigned')`,
        [worklet],
      ),
    ).rejects.toMatchObject({ code: '23502', column: 'mentor_email' });
    await expect(
      db.pool.query(`INSERT INTO mentor_worklet_assignments (worklet_id) VALUES ($1)`, [worklet]),
    ).rejects.toMatchObject({
      code: '23502',
      column: 'mentor_id',
    });
    await expect(db.pool.query(`INSERT INTO users (email) VALUES ('x@example.test')`)).rejects.toMatchObject({
      code: '23502',
      column: 'name',
    });
  });
});

describe('indexes', () => {
  it('has the unique, partial and lookup indexes on mentor_worklet_assignments', async () => {
    const result = await db.pool.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'mentor_worklet_assignments'`,
    );
    const defs = new Map(result.rows.map((r) => [r.indexname, r.indexdef.replace(/\bpublic\./g, '')]));
    expect(defs.get('unique_mentor_worklet')).toBe(
      'CREATE UNIQUE INDEX unique_mentor_worklet ON mentor_worklet_assignments USING btree (mentor_id, worklet_id)',
    );
    const partial = defs.get('one_active_primary_per_worklet');
    expect(partial).toMatch(
      /^CREATE UNIQUE INDEX one_active_primary_per_worklet ON mentor_worklet_assignments USING btree \(worklet_id\) WHERE /,
    );
    expect(partial).toContain("role_type = 'Primary'::role_type");
    expect(partial).toMatch(/WHERE .*\bis_active\b/);
    const columnsOf = [...defs.values()].map((d) =>
      d.replace(/^CREATE (UNIQUE )?INDEX \S+ ON mentor_worklet_assignments USING btree /, ''),
    );
    expect(columnsOf).toContain('(worklet_id, is_active)');
    expect(columnsOf).toContain('(mentor_id, is_active)');
    expect(columnsOf).toContain('(assigned_by)');
  });

  it('answers "a worklet\'s active mentors" and "a mentor\'s active worklets" from an index on a few thousand rows', async () => {
    // 500 mentors, 1000 worklets, 4 assignments each (one Primary, every fourth inactive): 4000 rows.
    await db.pool.query(
      `INSERT INTO users (email, name, role) SELECT 'm' || g || '@example.test', 'Mentor ' || g, 'mentor' FROM generate_series(1, 500) g`,
    );
    await db.pool.query(
      `INSERT INTO worklets (title, status) SELECT 'Worklet ' || g, 'active' FROM generate_series(1, 1000) g`,
    );
    await db.pool.query(
      `INSERT INTO mentor_worklet_assignments (mentor_id, worklet_id, role_type, is_active)
       SELECT ((w * 7 + k * 131) % 500) + 1, w, (CASE WHEN k = 0 THEN 'Primary' ELSE 'Secondary' END)::role_type, k <> 3
       FROM generate_series(1, 1000) w, generate_series(0, 3) k`,
    );
    await db.pool.query('ANALYZE users, worklets, mentor_worklet_assignments');
    expect(await count('SELECT 1 FROM mentor_worklet_assignments')).toBe(4000);

    const plan = async (sql: string, param: number) => {
      const result = await db.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, [param]);
      return result.rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    const byWorklet = await plan('SELECT * FROM mentor_worklet_assignments WHERE worklet_id = $1 AND is_active', 321);
    const byMentor = await plan('SELECT * FROM mentor_worklet_assignments WHERE mentor_id = $1 AND is_active', 42);
    for (const text of [byWorklet, byMentor]) {
      expect(text).toContain('Index');
      expect(text).not.toContain('Seq Scan');
    }
    // The same answers as a full scan would give (the index is not just used, it is right).
    const active = await db.pool.query(
      'SELECT count(*)::int AS n FROM mentor_worklet_assignments WHERE worklet_id = $1 AND is_active',
      [321],
    );
    expect(active.rows[0]).toEqual({ n: 3 });
  });
});
