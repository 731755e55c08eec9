/**
 * Issue 11 finding 4: the legacy backfill follows the same assignment rules as the API
 * (@worklets/db/assignment-rules). Legacy ids that point to a student, a deactivated mentor
 * or an archived worklet are reported and never become active Primaries; `--dry-run`
 * prints the plan and writes nothing.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { backfillLegacyMentors } from '../src/legacy/backfill-legacy.ts';
import { withConnection } from '../src/sql.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing/test-database.ts';
import { databaseTestTimeouts, dumpTables, insertUser, insertWorklet } from './support.ts';

vi.setConfig(databaseTestTimeouts);

let db: TestDatabase;
const ids = {} as Record<
  'student' | 'gone' | 'mentor' | 'admin' | 'ofStudent' | 'ofGone' | 'archived' | 'fine',
  number
>;

beforeAll(async () => {
  db = await createTestDatabase();
  const q = db.pool;
  ids.student = await insertUser(q, 'Sam Student', 'student');
  ids.admin = await insertUser(q, 'Ada Admin', 'admin');
  ids.gone = await insertUser(q, 'Gus Gone');
  await q.query('UPDATE users SET is_active = false WHERE id = $1', [ids.gone]);
  ids.mentor = await insertUser(q, 'Mo Mentor');
  ids.ofStudent = await insertWorklet(q, 'Legacy student', ids.student);
  ids.ofGone = await insertWorklet(q, 'Legacy deactivated mentor', ids.gone);
  ids.archived = await insertWorklet(q, 'Legacy archived', ids.mentor, 'archived');
  ids.fine = await insertWorklet(q, 'Legacy fine', ids.mentor);
});
afterAll(async () => {
  await db?.close();
});

async function rows(workletId: number) {
  const result = await db.pool.query(
    `SELECT mentor_id, role_type, is_active FROM mentor_worklet_assignments WHERE worklet_id = $1 ORDER BY id`,
    [workletId],
  );
  return result.rows;
}

describe('issue 11 finding 4: the backfill applies the assignment rules', () => {
  it('--dry-run reports the plan with every rule-breaking legacy id and writes nothing', async () => {
    const before = await dumpTables(db.pool);
    const plan = await withConnection(db.pool, (client) => backfillLegacyMentors(client, { dryRun: true }));
    expect(await dumpTables(db.pool)).toEqual(before);
    expect(plan.assignmentsCreated).toBe(1);
    expect(plan.historicalAssignments).toBe(2);
    expect(plan.reported.map((r) => [r.workletId, r.outcome, r.reason])).toEqual([
      [ids.ofStudent, 'dropped', 'not_a_mentor'],
      [ids.ofGone, 'historical', 'mentor_deactivated'],
      [ids.archived, 'historical', 'worklet_archived'],
    ]);

    // The command line prints the same plan, one line per reported id, and writes nothing.
    const cli = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/cli.ts', 'backfill-legacy', '--dry-run'],
        {
          cwd: fileURLToPath(new URL('..', import.meta.url)),
          env: { ...process.env, DATABASE_URL: db.connectionString },
        },
        (error, stdout) => resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout }),
      ),
    );
    expect(cli.code).toBe(0);
    const lines = cli.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /“Legacy student”: legacy mentor #\d+ \(Sam Student\) not assigned; legacy column cleared: Sam Student is not a mentor/,
    );
    expect(lines[1]).toMatch(
      /“Legacy deactivated mentor”: .* kept as an inactive historical Primary: Gus Gone is deactivated/,
    );
    expect(lines[2]).toMatch(/“Legacy archived”: .* kept as an inactive historical Primary: .*is archived/);
    expect(lines[3]).toMatch(
      /^dry run, nothing written: would create 1 assignments and 2 inactive historical assignments/,
    );
    expect(await dumpTables(db.pool)).toEqual(before);
  });

  it('no active Primary for a student, a deactivated mentor or an archived worklet; the valid one becomes Primary; the legacy column follows', async () => {
    const result = await withConnection(db.pool, (client) => backfillLegacyMentors(client));
    expect(result).toMatchObject({ assignmentsCreated: 1, historicalAssignments: 2 });
    expect(await rows(ids.ofStudent)).toEqual([]);
    expect(await rows(ids.ofGone)).toEqual([{ mentor_id: ids.gone, role_type: 'Primary', is_active: false }]);
    expect(await rows(ids.archived)).toEqual([{ mentor_id: ids.mentor, role_type: 'Primary', is_active: false }]);
    expect(await rows(ids.fine)).toEqual([{ mentor_id: ids.mentor, role_type: 'Primary', is_active: true }]);
    const legacy = await db.pool.query<{ id: number; mentor_id: number | null; version: number }>(
      'SELECT id, mentor_id, version FROM worklets ORDER BY id',
    );
    expect(legacy.rows.map((r) => [r.id, r.mentor_id])).toEqual([
      [ids.ofStudent, null],
      [ids.ofGone, null],
      [ids.archived, null],
      [ids.fine, ids.mentor],
    ]);
    // Every touched worklet is one version newer, and its events carry that version.
    expect(legacy.rows.map((r) => r.version)).toEqual([2, 2, 2, 2]);
    const events = await db.pool.query<{ worklet_id: number; type: string; worklet_version: number }>(
      'SELECT worklet_id, type::text, worklet_version FROM assignment_events ORDER BY id',
    );
    expect(events.rows).toEqual([
      { worklet_id: ids.ofGone, type: 'assigned', worklet_version: 2 },
      { worklet_id: ids.ofGone, type: 'deactivated', worklet_version: 2 },
      { worklet_id: ids.archived, type: 'assigned', worklet_version: 2 },
      { worklet_id: ids.archived, type: 'deactivated', worklet_version: 2 },
      { worklet_id: ids.fine, type: 'assigned', worklet_version: 2 },
    ]);
    // Idempotent.
    expect(await withConnection(db.pool, (client) => backfillLegacyMentors(client))).toEqual({
      assignmentsCreated: 0,
      legacyColumnsCorrected: 0,
      historicalAssignments: 0,
      reported: [],
    });
  });
});
