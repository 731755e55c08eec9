/**
 * CSV exports over HTTP with the session: who may download what, the filters of the
 * screens, RFC 4180 quoting read back by a CSV parser, formula cells neutralised, and
 * exports longer than one read batch.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from './test-server.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

let server: TestServer;
let adminCookie: string;
let mentorCookie: string;
let studentCookie: string;
let mentorId: number;
const hostile = ['=HYPERLINK("http://evil.example","click")', '+1+2', '-3+4', '@SUM(A1)', '\tTabbed', '\rReturn'];
const quoted = 'Commas, "quotes"\nand a new line — Zoë';
const semicolon = 'Split;=1+1 in a ; spreadsheet';

async function csv(path: string, cookie?: string) {
  const res = await fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {} });
  return { res, text: await res.text() };
}

const rowsOf = (text: string) => parse(text, { columns: true }) as Record<string, string>[];

beforeAll(async () => {
  server = await startTestServer();
  const admin = await server.createUser('admin', { name: 'Ada Admin' });
  const mentor = await server.createUser('mentor', { name: '=Mallory Mentor' });
  const student = await server.createUser('student');
  mentorId = mentor.id;
  const cookies = await Promise.all([admin, mentor, student].map((u) => server.signIn(u)));
  [adminCookie, mentorCookie, studentCookie] = cookies as [string, string, string];
  const db = server.prisma;
  for (const title of [...hostile, quoted, semicolon]) {
    const w = await db.worklet.create({ data: { title, status: 'active' } });
    const res = await server.mutation(
      'assignments.assign',
      { workletId: w.id, mentorId, role: 'Primary' },
      { cookie: adminCookie },
    );
    expect(res.status).toBe(200);
  }
  // More worklets than one read batch (500), none with mentors, as drafts.
  await db.worklet.createMany({ data: Array.from({ length: 1_203 }, (_, i) => ({ title: `Draft ${i}` })) });
});

afterAll(async () => {
  await server?.close();
});

describe('GET /api/export/worklets.csv', () => {
  it('needs a session: 401 JSON without one, nothing streamed', async () => {
    const { res, text } = await csv('/api/export/worklets.csv');
    expect(res.status).toBe(401);
    expect(JSON.parse(text).error.message).toBe('Sign in to export.');
  });

  it('streams every matching worklet across read batches, as UTF-8 CSV to download', async () => {
    const { res, text } = await csv('/api/export/worklets.csv?status=draft', adminCookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="worklets-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = rowsOf(text);
    expect(rows).toHaveLength(1_203);
    expect(new Set(rows.map((r) => r.worklet_id)).size).toBe(1_203);
    expect(rows.every((r) => r.status === 'draft' && r.mentor_count === '0')).toBe(true);
  });

  it('neutralises cells a spreadsheet would run as formulas, and quotes the rest as RFC 4180 says', async () => {
    const { text } = await csv(`/api/export/worklets.csv?mentorId=${mentorId}`, adminCookie);
    const rows = rowsOf(text);
    expect(rows.map((r) => r.title).sort()).toEqual([...hostile.map((t) => `'${t}`), quoted, semicolon].sort());
    // Every cell is quoted: a spreadsheet splitting on `;` keeps `=1+1` inside the title's cell.
    expect(text).toContain(`"${semicolon}"`);
    expect(rows.every((r) => r.primary_mentor === "'=Mallory Mentor")).toBe(true);
    expect(rows.find((r) => r.title === quoted)!.mentors).toMatch(/^'=Mallory Mentor <mentor\..+> \(Primary\)$/);
    // Nothing in the raw text starts a cell with a formula character.
    expect(text).not.toMatch(/(^|,)"?[=+\-@]/m);
  });

  it('has a row per active assignment with rows=assignments', async () => {
    const { text } = await csv(`/api/export/worklets.csv?rows=assignments&mentorId=${mentorId}`, adminCookie);
    const rows = rowsOf(text);
    expect(rows).toHaveLength(hostile.length + 2);
    expect(Object.keys(rows[0]!)).toEqual([
      'worklet_id',
      'title',
      'status',
      'mentor',
      'mentor_email',
      'role',
      'assigned_at',
      'assigned_by',
    ]);
    expect(rows.every((r) => r.role === 'Primary' && r.assigned_by === 'Ada Admin')).toBe(true);
  });

  it('exports only what the user may see: a mentor their own worklets, a student no drafts', async () => {
    const mine = rowsOf((await csv('/api/export/worklets.csv', mentorCookie)).text);
    expect(mine).toHaveLength(hostile.length + 2);
    const students = rowsOf((await csv('/api/export/worklets.csv', studentCookie)).text);
    expect(students.length).toBeGreaterThan(0);
    expect(students.some((r) => r.status === 'draft')).toBe(false);
    // Who assigned whom is for staff: a student's export leaves it out.
    const theirs = rowsOf((await csv('/api/export/worklets.csv?rows=assignments', studentCookie)).text);
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.every((r) => r.assigned_by === '')).toBe(true);
    const admins = rowsOf((await csv('/api/export/worklets.csv?rows=assignments', adminCookie)).text);
    expect(admins.some((r) => r.assigned_by === 'Ada Admin')).toBe(true);
  });

  it('refuses a bad filter with a 400 naming it, and unknown parameters', async () => {
    const bad = await csv('/api/export/worklets.csv?status=deleted', adminCookie);
    expect(bad.res.status).toBe(400);
    expect(JSON.parse(bad.text).error.message).toMatch(/^status: /);
    const unknown = await csv('/api/export/worklets.csv?mentor_id=1', adminCookie);
    expect(unknown.res.status).toBe(400);
    const badId = await csv('/api/export/worklets.csv?mentorId=1%20OR%201=1', adminCookie);
    expect(badId.res.status).toBe(400);
    expect(badId.text).not.toMatch(/select|prisma|at .*\.ts/i);
  });
});

describe('GET /api/export/mentors.csv', () => {
  it('is for admins, and has the Mentors list with workload by role and capacity, filtered over capacity', async () => {
    expect((await csv('/api/export/mentors.csv', mentorCookie)).res.status).toBe(403);
    await server.prisma.user.update({ where: { id: mentorId }, data: { capacity: 5 } });
    const rows = rowsOf((await csv('/api/export/mentors.csv?sort=load', adminCookie)).text);
    const mallory = rows.find((r) => r.mentor_id === String(mentorId))!;
    expect(mallory).toMatchObject({
      name: "'=Mallory Mentor",
      primary: String(hostile.length + 2),
      secondary: '0',
      open_worklets: String(hostile.length + 2),
      capacity: '5',
      own_capacity: 'yes',
      over_capacity: 'yes',
    });
    expect(rows[0]!.mentor_id).toBe(String(mentorId)); // most loaded first
    const over = rowsOf((await csv('/api/export/mentors.csv?overCapacity=yes', adminCookie)).text);
    expect(over.map((r) => r.mentor_id)).toEqual([String(mentorId)]);
  });
});

describe('GET /api/export/audit-log.csv', () => {
  it('is for admins: 403 for a mentor', async () => {
    const { res } = await csv('/api/export/audit-log.csv', mentorCookie);
    expect(res.status).toBe(403);
  });

  it('exports the filtered audit log, newest first', async () => {
    const { res, text } = await csv(`/api/export/audit-log.csv?mentorId=${mentorId}&types=assigned`, adminCookie);
    expect(res.status).toBe(200);
    const rows = rowsOf(text);
    expect(rows).toHaveLength(hostile.length + 2);
    expect(rows.every((r) => r.event === 'assigned' && r.new_role === 'Primary' && r.by === 'Ada Admin')).toBe(true);
    const times = rows.map((r) => r.time);
    expect([...times].sort().reverse()).toEqual(times);
    const none = rowsOf(
      (await csv(`/api/export/audit-log.csv?mentorId=${mentorId}&types=deactivated`, adminCookie)).text,
    );
    expect(none).toEqual([]);
    const backwards = await csv('/api/export/audit-log.csv?from=2026-02-01&to=2026-01-01', adminCookie);
    expect(backwards.res.status).toBe(400);
  });
});
