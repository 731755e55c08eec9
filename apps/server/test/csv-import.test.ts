/**
 * CSV import of assignments over HTTP: preview (every line's action or error, nothing
 * written), apply (one transaction, one batch, only what the preview showed), importing
 * again changes nothing, Undo reverts it, and the file's limits and the host's defences.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer, type TestUser } from './test-server.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

let server: TestServer;
let adminCookie: string;
let mentorCookie: string;
const w = {} as Record<'alpha' | 'beta' | 'archived' | 'twinA' | 'twinB', number>;
const m = {} as Record<'ana' | 'ben' | 'cy' | 'gone', TestUser>;
let student: TestUser;

function upload(body: string, query: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/import/assignments?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', origin: server.url, cookie: adminCookie, ...headers },
    body,
  });
}

async function preview(csv: string) {
  const res = await upload(csv, 'step=preview');
  expect(res.status).toBe(200);
  return res.json();
}

const counts = async () => ({
  assignments: await server.prisma.mentorWorkletAssignment.count(),
  events: await server.prisma.assignmentEvent.count(),
});

const activeOn = async (workletId: number) =>
  (
    await server.prisma.mentorWorkletAssignment.findMany({
      where: { workletId, isActive: true },
      select: { roleType: true, mentor: { select: { email: true } } },
      orderBy: { roleType: 'asc' },
    })
  ).map((a) => `${a.mentor.email} ${a.roleType}`);

beforeAll(async () => {
  server = await startTestServer();
  const admin = await server.createUser('admin', { name: 'Ada Admin' });
  for (const key of ['ana', 'ben', 'cy', 'gone'] as const) m[key] = await server.createUser('mentor', { name: key });
  student = await server.createUser('student');
  adminCookie = await server.signIn(admin);
  mentorCookie = await server.signIn(m.ana);
  await server.prisma.user.update({ where: { id: m.gone.id }, data: { isActive: false } });
  const db = server.prisma.worklet;
  w.alpha = (await db.create({ data: { title: 'Alpha', status: 'active' } })).id;
  w.beta = (await db.create({ data: { title: 'Beta project', status: 'active' } })).id;
  w.archived = (await db.create({ data: { title: 'Old', status: 'archived' } })).id;
  w.twinA = (await db.create({ data: { title: 'Twin' } })).id;
  w.twinB = (await db.create({ data: { title: 'Twin' } })).id;
  const res = await server.mutation(
    'assignments.assign',
    { workletId: w.alpha, mentorId: m.ana.id, role: 'Primary' },
    { cookie: adminCookie },
  );
  expect(res.status).toBe(200);
});

afterAll(async () => {
  await server?.close();
});

describe('preview', () => {
  it('says what each line would do, with the errors and their reasons, and writes nothing', async () => {
    const before = await counts();
    const csv = [
      'Worklet,Mentor_Email,Role,Active',
      `${w.alpha},${m.ana.email.toUpperCase()},Secondary,yes`, // 2 role change
      `Alpha,${m.ben.email},primary,yes`, // 3 add (Primary: Ana becomes Secondary on line 2)
      `Beta project,${m.cy.email},Collaborator,`, // 4 add, empty active = yes
      `${w.beta},${m.ana.email},,no`, // 5 unchanged (not on it)
      `${w.archived},${m.cy.email},Secondary,yes`, // 6 archived
      `Twin,${m.cy.email},Secondary,yes`, // 7 ambiguous title
      `${w.beta},${student.email},Secondary,yes`, // 8 not a mentor
      `${w.beta},${m.gone.email},Secondary,yes`, // 9 deactivated
      `${w.beta},nobody@example.test,Secondary,yes`, // 10 unknown email
      `${w.beta},${m.cy.email},Secondary,yes`, // 11 same pair as line 4
      `${w.beta},${m.ben.email},Boss,yes`, // 12 bad role
      `${w.beta},${m.ben.email},Secondary,maybe`, // 13 bad active
      `999999,${m.ben.email},Secondary,yes`, // 14 no such worklet
    ].join('\r\n');
    const result = await preview(csv);
    const byLine = Object.fromEntries(result.lines.map((l: { line: number; action: string }) => [l.line, l.action]));
    expect(byLine).toEqual({
      2: 'role_change',
      3: 'add',
      4: 'add',
      5: 'unchanged',
      6: 'error',
      7: 'error',
      8: 'error',
      9: 'error',
      10: 'error',
      11: 'error',
      12: 'error',
      13: 'error',
      14: 'error',
    });
    const message = (line: number) => result.lines.find((l: { line: number }) => l.line === line).message;
    expect(message(6)).toMatch(/archived/);
    expect(message(7)).toBe('2 worklets are titled “Twin”: use the id.');
    expect(message(8)).toMatch(/is not a mentor/);
    expect(message(9)).toMatch(/deactivated/);
    expect(message(10)).toBe('No user has the email nobody@example.test.');
    expect(message(11)).toBe('Line 4 already sets this mentor on this worklet.');
    expect(message(12)).toBe('role: Write Primary, Secondary or Collaborator');
    expect(message(13)).toBe('active: Write yes or no');
    expect(result.totals).toEqual({ add: 2, role_change: 1, deactivate: 0, unchanged: 1, error: 9 });
    expect(result.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(await counts()).toEqual(before);
  });

  it('refuses a second Primary the file does not make room for', async () => {
    const result = await preview(`worklet,mentor_email,role,active\n${w.alpha},${m.cy.email},Primary,yes\n`);
    expect(result.lines[0].action).toBe('error');
    expect(result.lines[0].message).toMatch(/would have 2 Primary mentors/);
  });
});

describe('apply', () => {
  const good = () =>
    [
      'worklet,mentor_email,role,active',
      `${w.alpha},${m.ana.email},Secondary,yes`,
      `Alpha,${m.ben.email},Primary,yes`,
      `Beta project,${m.cy.email},Collaborator,yes`,
    ].join('\n');

  it('refuses a file with errors and writes nothing', async () => {
    const before = await counts();
    const bad = `${good()}\n${w.archived},${m.cy.email},Secondary,yes\n`;
    const res = await upload(bad, `step=apply&digest=${(await preview(bad)).digest}`);
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toBe(
      'The file has 1 line with errors: nothing was imported. Fix them and preview again.',
    );
    expect(await counts()).toEqual(before);
  });

  it('refuses when the data changed since the preview', async () => {
    const { digest } = await preview(good());
    const moved = await server.mutation(
      'assignments.assign',
      { workletId: w.beta, mentorId: m.ben.id, role: 'Secondary' },
      { cookie: adminCookie },
    );
    expect(moved.status).toBe(200);
    const before = await counts();
    const stale = `${good()}\n${w.beta},${m.ben.email},Secondary,no\n`;
    const res = await upload(stale, `step=apply&digest=${digest}`);
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toMatch(/changed since the preview/);
    expect(await counts()).toEqual(before);
  });

  it('applies what the preview showed in one batch, changes nothing the second time, and undoes as one', async () => {
    const csv = `${good()}\n${w.beta},${m.ben.email},Secondary,no\n`;
    const { digest, totals } = await preview(csv);
    expect(totals).toEqual({ add: 2, role_change: 1, deactivate: 1, unchanged: 0, error: 0 });
    const res = await upload(csv, `step=apply&digest=${digest}`);
    expect(res.status).toBe(200);
    const applied = await res.json();
    expect(applied.totals).toEqual(totals);
    expect(await activeOn(w.alpha)).toEqual([`${m.ben.email} Primary`, `${m.ana.email} Secondary`]);
    expect(await activeOn(w.beta)).toEqual([`${m.cy.email} Collaborator`]);
    const events = await server.prisma.assignmentEvent.findMany({ where: { batchId: applied.batchId } });
    expect(events).toHaveLength(4);
    const batch = await server.prisma.changeBatch.findUnique({ where: { id: applied.batchId } });
    expect(batch?.kind).toBe('import');

    const before = await counts();
    const again = await (await upload(csv, `step=apply&digest=${(await preview(csv)).digest}`)).json();
    expect(again.totals).toEqual({ add: 0, role_change: 0, deactivate: 0, unchanged: 4, error: 0 });
    expect(again.batchId).toBeNull();
    expect(await counts()).toEqual(before);

    const undo = await server.mutation('batches.undo', { batchId: applied.batchId }, { cookie: adminCookie });
    expect(undo.status).toBe(200);
    expect(await activeOn(w.alpha)).toEqual([`${m.ana.email} Primary`]);
    expect(await activeOn(w.beta)).toEqual([`${m.ben.email} Secondary`]);
  });
});

describe('capacity (rule 5)', () => {
  it('marks the lines that take a mentor over capacity, and applies them only when confirmed', async () => {
    const busy = await server.createUser('mentor', { name: 'Busy Mentor' });
    await server.prisma.user.update({ where: { id: busy.id }, data: { capacity: 1 } });
    const [one, two] = await Promise.all(
      ['Cap one', 'Cap two'].map((title) => server.prisma.worklet.create({ data: { title, status: 'active' } })),
    );
    const csv = `worklet,mentor_email,role,active\n${one!.id},${busy.email},Secondary,yes\n${two!.id},${busy.email},Secondary,yes\n`;
    const result = await preview(csv);
    expect(result.overCapacity).toBe(1);
    expect(result.lines.map((l: { overCapacity: boolean }) => l.overCapacity)).toEqual([false, true]);
    expect(result.lines[1].message).toBe('Busy Mentor would have 2 open worklets, over their capacity of 1.');
    const before = await counts();
    const refused = await upload(csv, `step=apply&digest=${result.digest}`);
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.message).toBe(
      '1 line would take mentors over their capacity: confirm to import anyway.',
    );
    expect(await counts()).toEqual(before);
    const applied = await upload(csv, `step=apply&digest=${result.digest}&allowOverCapacity=yes`);
    expect(applied.status).toBe(200);
    const events = await server.prisma.assignmentEvent.findMany({
      where: { batchId: (await applied.json()).batchId },
      orderBy: { workletId: 'asc' },
      select: { capacityOverride: true },
    });
    expect(events.map((e) => e.capacityOverride)).toEqual([false, true]);
  });
});

describe('the file and the host', () => {
  it('is for admins from the app: 401 signed out, 403 for a mentor, 403 cross-site, 415 for other types', async () => {
    const csv = 'worklet,mentor_email,role,active\n';
    expect((await upload(csv, 'step=preview', { cookie: '' })).status).toBe(401);
    expect((await upload(csv, 'step=preview', { cookie: mentorCookie })).status).toBe(403);
    expect((await upload(csv, 'step=preview', { origin: 'https://evil.example' })).status).toBe(403);
    const form = await upload('worklet=1', 'step=preview', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    // text/csv is taken on this one path only.
    const elsewhere = await fetch(`${server.url}/api/trpc/batches.undo`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', origin: server.url, cookie: adminCookie },
      body: 'x',
    });
    expect(elsewhere.status).toBe(415);
  });

  it('decides who may import before reading the body: a signed-out upload that never ends gets its 401 at once', async () => {
    let pull = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        // One chunk, then nothing more: a server waiting for the whole body would never answer.
        if (pull++ === 0) controller.enqueue(new TextEncoder().encode('worklet,mentor_email,role,active\n'));
        return new Promise(() => {});
      },
    });
    const started = Date.now();
    const res = await fetch(`${server.url}/api/import/assignments?step=preview`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', origin: server.url },
      body: endless,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(401);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('says what is wrong with the file itself', async () => {
    const wrongHeader = await upload('worklet,email,role\n1,a@b.c,Primary\n', 'step=preview');
    expect(wrongHeader.status).toBe(400);
    expect((await wrongHeader.json()).error.message).toBe(
      'The first line must name the columns worklet, mentor_email, role, active; missing: mentor_email, active; unknown: email.',
    );
    const ragged = await upload('worklet,mentor_email,role,active\n1,a@b.c\n', 'step=preview');
    expect(ragged.status).toBe(400);
    expect((await ragged.json()).error.message).toMatch(/^This is not a valid CSV file/);
    expect((await upload('worklet,mentor_email,role,active\n', 'step=nope')).status).toBe(400);
    const blind = await upload('worklet,mentor_email,role,active\n', 'step=apply');
    expect(blind.status).toBe(400);
    expect((await blind.json()).error.message).toMatch(/^Preview the file first/);
  });

  it('takes at most 10,000 lines and 2 MB', async () => {
    const line = `${w.alpha},${m.ana.email},Secondary,yes\n`;
    const tooMany = await upload(`worklet,mentor_email,role,active\n${line.repeat(10_001)}`, 'step=preview');
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).error.message).toBe(
      'The file has more than 10,000 lines: import at most that many at a time.',
    );
    const huge = `worklet,mentor_email,role,active\n${'x'.repeat(2 * 1024 * 1024)}`;
    expect((await upload(huge, 'step=preview')).status).toBe(413);
  });
});
