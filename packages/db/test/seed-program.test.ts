/**
 * The generated programs (packages/db/src/seed): the demo program is deterministic and has
 * the promised shape once loaded; the bulk path loads thousands of worklets quickly.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoSize, generateDemoProgram } from '../src/seed/demo.ts';
import { isDatabaseEmpty, loadProgram } from '../src/seed/load.ts';
import { generateProgram } from '../src/seed/program.ts';
import { withConnection } from '../src/sql.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing/test-database.ts';
import { databaseTestTimeouts, truncateAll } from './support.ts';

vi.setConfig(databaseTestTimeouts);

let db: TestDatabase;

async function rows<T extends Record<string, unknown>>(sql: string): Promise<T[]> {
  return (await db.pool.query<T>(sql)).rows;
}

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.close();
});

describe('demo program', () => {
  it('is deterministic: two generations are deep-equal, another seed differs', () => {
    const a = generateDemoProgram();
    expect(generateDemoProgram()).toEqual(a);
    expect(generateProgram({ ...demoSize, seed: demoSize.seed + 1 })).not.toEqual(a);
  });

  describe('loaded into an empty database', () => {
    beforeAll(async () => {
      await withConnection(db.pool, async (client) => {
        expect(await isDatabaseEmpty(client)).toBe(true);
        await loadProgram(client, generateDemoProgram());
        expect(await isDatabaseEmpty(client)).toBe(false);
      });
    });

    it('has 3 admins, 40 mentors, 150 students and 80 worklets in all four statuses', async () => {
      expect(await rows(`SELECT role::text, count(*)::int AS n FROM users GROUP BY role ORDER BY role`)).toEqual([
        { role: 'admin', n: 3 },
        { role: 'mentor', n: 40 },
        { role: 'student', n: 150 },
      ]);
      expect(await rows('SELECT count(*)::int AS n FROM worklets')).toEqual([{ n: 80 }]);
      const statuses = await rows<{ status: string }>(
        'SELECT DISTINCT status::text AS status FROM worklets ORDER BY 1',
      );
      expect(statuses.map((s) => s.status)).toEqual(['active', 'archived', 'completed', 'draft']);
    });

    it('gives each worklet 0-4 mentors, 0 only on drafts, at most one active Primary, all of them mentors', async () => {
      const perWorklet = await rows<{ id: number; status: string; n: number; active_primaries: number }>(`
        SELECT w.id, w.status::text AS status, count(a.id)::int AS n,
               count(a.id) FILTER (WHERE a.role_type = 'Primary' AND a.is_active)::int AS active_primaries
        FROM worklets w LEFT JOIN mentor_worklet_assignments a ON a.worklet_id = w.id
        GROUP BY w.id ORDER BY w.id`);
      expect(perWorklet).toHaveLength(80);
      for (const w of perWorklet) {
        expect(w.n, `worklet ${w.id}`).toBeGreaterThanOrEqual(0);
        expect(w.n, `worklet ${w.id}`).toBeLessThanOrEqual(4);
        if (w.n === 0) expect(w.status, `worklet ${w.id} has no mentor`).toBe('draft');
        expect(w.active_primaries, `worklet ${w.id}`).toBeLessThanOrEqual(1);
      }
      expect(
        await rows(`SELECT w.id FROM worklets w WHERE w.active_mentors <> (SELECT count(*) FROM mentor_worklet_assignments a
          WHERE a.worklet_id = w.id AND a.is_active)`),
        'worklets whose active_mentors is not their number of active assignments',
      ).toEqual([]);
      expect(perWorklet.some((w) => w.n === 0)).toBe(true);
      expect(perWorklet.some((w) => w.n === 4)).toBe(true);
      expect(
        await rows(
          `SELECT a.id FROM mentor_worklet_assignments a JOIN users u ON u.id = a.mentor_id WHERE u.role <> 'mentor'`,
        ),
      ).toEqual([]);
      expect(
        await rows(
          `SELECT a.id FROM mentor_worklet_assignments a JOIN users u ON u.id = a.assigned_by WHERE u.role <> 'admin'`,
        ),
      ).toEqual([]);
    });

    it('has some inactive assignments, and mixed roles', async () => {
      const [inactive] = await rows<{ n: number }>(
        'SELECT count(*)::int AS n FROM mentor_worklet_assignments WHERE NOT is_active',
      );
      expect(inactive!.n).toBeGreaterThan(0);
      const roles = await rows<{ role_type: string }>(
        'SELECT DISTINCT role_type::text FROM mentor_worklet_assignments ORDER BY 1',
      );
      expect(roles.map((r) => r.role_type)).toEqual(['Collaborator', 'Primary', 'Secondary']);
    });

    it('has a history: one "assigned" event per assignment, and role_changed, deactivated and reactivated events', async () => {
      expect(
        await rows(`SELECT a.id FROM mentor_worklet_assignments a
                    WHERE (SELECT count(*) FROM assignment_events e WHERE e.assignment_id = a.id AND e.type = 'assigned') <> 1`),
      ).toEqual([]);
      const types = await rows<{ type: string; n: number }>(
        'SELECT type::text, count(*)::int AS n FROM assignment_events GROUP BY type ORDER BY type',
      );
      expect(types.map((t) => t.type)).toEqual(['assigned', 'deactivated', 'reactivated', 'role_changed']);
      for (const t of types) expect(t.n, t.type).toBeGreaterThan(0);
      // Every deactivated assignment's last event says so, and the snapshots match the users.
      expect(
        await rows(`SELECT a.id FROM mentor_worklet_assignments a
                    WHERE NOT a.is_active AND (SELECT e.type FROM assignment_events e WHERE e.assignment_id = a.id ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1) <> 'deactivated'`),
      ).toEqual([]);
      expect(
        await rows(`SELECT e.id FROM assignment_events e JOIN users u ON u.id = e.mentor_id
                    WHERE e.mentor_name <> u.name OR e.mentor_email <> u.email`),
      ).toEqual([]);
    });

    it('shows capacity: two mentors over the default of 8, one full, one with a capacity of their own', async () => {
      const loads = await rows<{ name: string; total: number; capacity: number | null }>(`
        SELECT u.name, u.capacity, count(w.id)::int AS total
        FROM users u
        JOIN mentor_worklet_assignments a ON a.mentor_id = u.id AND a.is_active
        JOIN worklets w ON w.id = a.worklet_id AND w.status IN ('draft', 'active')
        WHERE u.role = 'mentor'
        GROUP BY u.id HAVING count(w.id) >= 8 OR u.capacity IS NOT NULL
        ORDER BY total DESC`);
      expect(loads).toEqual([
        { name: 'Omar Kapoor', capacity: null, total: 11 },
        { name: 'Wei Schmidt', capacity: null, total: 9 },
        { name: 'Mai Costa', capacity: null, total: 8 },
        { name: 'Arjun Iyer', capacity: 12, total: 7 },
      ]);
      // The extra assignments keep the history whole: versions still count the events.
      expect(
        await rows(`SELECT w.id FROM worklets w
                    WHERE w.version <> 1 + (SELECT count(*) FROM assignment_events e WHERE e.worklet_id = w.id)`),
      ).toEqual([]);
    });

    it('moves the id sequences past the loaded rows', async () => {
      const user = await db.pool.query<{ id: number }>(
        `INSERT INTO users (email, name) VALUES ('after.seed@example.test', 'After Seed') RETURNING id`,
      );
      expect(user.rows[0]!.id).toBe(194);
      const worklet = await db.pool.query<{ id: number }>(
        `INSERT INTO worklets (title) VALUES ('After seed') RETURNING id`,
      );
      expect(worklet.rows[0]!.id).toBe(81);
    });
  });
});

describe('bulk program', () => {
  it('loads 5 admins, 500 mentors, 2000 students and 5000 worklets with loadProgram in under 20 s', async () => {
    await truncateAll(db.pool);
    const program = generateProgram({ admins: 5, mentors: 500, students: 2000, worklets: 5000 });
    const started = performance.now();
    await withConnection(db.pool, (client) => loadProgram(client, program));
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeLessThan(20);

    const counts = await rows(`SELECT
      (SELECT count(*)::int FROM users) AS users,
      (SELECT count(*)::int FROM users WHERE role = 'admin') AS admins,
      (SELECT count(*)::int FROM users WHERE role = 'mentor') AS mentors,
      (SELECT count(*)::int FROM users WHERE role = 'student') AS students,
      (SELECT count(*)::int FROM worklets) AS worklets,
      (SELECT count(*)::int FROM mentor_worklet_assignments) AS assignments,
      (SELECT count(*)::int FROM assignment_events) AS events`);
    expect(counts).toEqual([
      {
        users: 2505,
        admins: 5,
        mentors: 500,
        students: 2000,
        worklets: 5000,
        assignments: program.assignments.length,
        events: program.events.length,
      },
    ]);
    expect(program.assignments.length).toBeGreaterThan(5000);
  });
});
