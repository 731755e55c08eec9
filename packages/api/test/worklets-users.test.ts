/**
 * The read side and the other writes: worklet cards (pagination, filters), coverage,
 * the detail view, worklet create/update/archive, mentors, history and user administration.
 * Expectations are computed from the database by an independent oracle (plain SQL and
 * JavaScript), so tests stay right whatever other tests of this file have created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../src/context.ts';
import type { RouterInputs, RouterOutputs } from '../src/root.ts';
import { type ApiFixture, createApiFixture } from './api-fixture.ts';
import { caught, fieldErrors, rejectsWithoutWriting, untyped } from './helpers.ts';

type ListInput = RouterInputs['worklets']['list'];
type Card = RouterOutputs['worklets']['list']['items'][number];

let f: ApiFixture;
let admin: SessionUser;
let admin2: SessionUser;
let student: SessionUser;

beforeAll(async () => {
  f = await createApiFixture();
  admin = await f.user('admin', { name: 'Ada Admin' });
  admin2 = await f.user('admin', { name: 'Bea Admin' });
  student = await f.user('student');
});
afterAll(async () => {
  await f?.close();
});

const api = (user: SessionUser | null = admin) => f.callerFor(user);

async function assignmentId(workletId: number, mentorId: number): Promise<number> {
  const row = await f.db.prisma.mentorWorkletAssignment.findUniqueOrThrow({
    where: { mentorId_workletId: { mentorId, workletId } },
    select: { id: true },
  });
  return row.id;
}

// ---------------------------------------------------------------------------------------
// The oracle: what the database holds, read with plain SQL, filtered in JavaScript.
// ---------------------------------------------------------------------------------------

type OracleMentor = {
  assignmentId: number;
  mentorId: number;
  name: string;
  email: string;
  role: string;
  assignedAt: Date;
};
type OracleWorklet = { id: number; title: string; status: string; mentors: OracleMentor[] };

async function oracleWorklets(): Promise<OracleWorklet[]> {
  const worklets = await f.db.pool.query<{ id: number; title: string; status: string }>(
    `SELECT id, title, status::text AS status FROM worklets ORDER BY id DESC`,
  );
  const active = await f.db.pool.query<OracleMentor & { workletId: number }>(`
    SELECT a.worklet_id AS "workletId", a.id AS "assignmentId", a.mentor_id AS "mentorId", u.name, u.email, a.role_type::text AS role, a.assigned_at AS "assignedAt"
    FROM mentor_worklet_assignments a JOIN users u ON u.id = a.mentor_id
    WHERE a.is_active ORDER BY a.role_type, a.assigned_at, a.id`);
  return worklets.rows.map((w) => ({
    ...w,
    mentors: active.rows.filter((a) => a.workletId === w.id).map(({ workletId: _, ...m }) => m),
  }));
}

function oracleFilter(all: OracleWorklet[], input: ListInput, viewer: SessionUser = admin): OracleWorklet[] {
  return all.filter((w) => {
    if (viewer.role === 'mentor' && !w.mentors.some((m) => m.mentorId === viewer.id)) return false;
    if (viewer.role === 'student' && !['active', 'completed'].includes(w.status)) return false;
    if (input.status && w.status !== input.status) return false;
    if (input.mentorId && !w.mentors.some((m) => m.mentorId === input.mentorId)) return false;
    if (input.search && !w.title.toLowerCase().includes(input.search.trim().toLowerCase())) return false;
    // Coverage concerns open worklets only (issue 11 finding 8: the same definition as the counts).
    const open = w.status === 'draft' || w.status === 'active';
    if (input.coverage === 'needs_primary' && (!open || w.mentors.some((m) => m.role === 'Primary'))) return false;
    if (input.coverage === 'no_mentors' && (!open || w.mentors.length > 0)) return false;
    return true;
  });
}

/** Walks every page of `worklets.list` and checks the pages themselves. */
async function allPages(input: ListInput, limit: number, viewer: SessionUser = admin): Promise<Card[]> {
  const items: Card[] = [];
  let cursor: number | null = null;
  for (let pages = 0; ; pages++) {
    expect(pages).toBeLessThan(1_000);
    const page = await api(viewer).worklets.list({ ...input, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    if (page.nextCursor === null) break;
    expect(page.items).toHaveLength(limit);
    expect(page.nextCursor).toBe(page.items.at(-1)!.id);
    cursor = page.nextCursor;
  }
  return items;
}

async function expectListMatchesOracle(input: ListInput, limit: number, viewer: SessionUser = admin) {
  const items = await allPages(input, limit, viewer);
  const expected = oracleFilter(await oracleWorklets(), input, viewer);
  const ids = items.map((i) => i.id);
  expect(new Set(ids).size, 'no duplicates').toBe(ids.length);
  expect(ids, JSON.stringify(input)).toEqual(expected.map((w) => w.id));
  for (const [index, item] of items.entries()) {
    const want = expected[index]!;
    expect(item).toMatchObject({ id: want.id, title: want.title, status: want.status });
    expect(item.mentors).toEqual(want.mentors);
    expect(item.hasPrimary).toBe(want.mentors.some((m) => m.role === 'Primary'));
    if (item.mentors.length > 0 && item.hasPrimary) expect(item.mentors[0]!.role).toBe('Primary');
  }
  return items;
}

describe('worklets.list', () => {
  let pool: SessionUser[];
  const statuses = ['draft', 'active', 'completed', 'archived'] as const;

  beforeAll(async () => {
    pool = [];
    for (let i = 0; i < 4; i++) pool.push(await f.user('mentor', { name: `Lister ${i}` }));
    const [m0, m1, m2, m3] = pool as [SessionUser, SessionUser, SessionUser, SessionUser];
    for (let i = 0; i < 45; i++) {
      const w = await f.worklet({
        title: `Catalog ${String(i).padStart(2, '0')} ${i % 3 === 0 ? 'Robotics' : 'Garden'}`,
      });
      const shapes = [
        [],
        [{ mentorId: m0.id, role: 'Primary' }],
        [{ mentorId: m1.id, role: 'Secondary' }],
        [
          { mentorId: m0.id, role: 'Secondary' },
          { mentorId: m3.id, role: 'Collaborator' },
          { mentorId: m2.id, role: 'Primary' },
        ],
        [{ mentorId: m0.id, role: 'Primary' }],
        [
          { mentorId: m1.id, role: 'Collaborator' },
          { mentorId: m3.id, role: 'Primary' },
          { mentorId: m2.id, role: 'Collaborator' },
        ],
      ] as const;
      const shape = shapes[i % 6]!;
      if (shape.length > 0)
        await api().assignments.setMentors({
          workletId: w.id,
          expectedVersion: await f.version(w.id),
          mentors: [...shape],
        });
      // Shape 4 ends with an inactive assignment only: it has no mentors.
      if (i % 6 === 4)
        await api().assignments.setMentors({ workletId: w.id, expectedVersion: await f.version(w.id), mentors: [] });
      const status = statuses[i % 4]!;
      if (status !== 'active') await f.db.prisma.worklet.update({ where: { id: w.id }, data: { status } });
    }
  });

  it('pages through every worklet newest first, without duplicates or gaps, whatever the page size', async () => {
    const all = await expectListMatchesOracle({}, 7);
    expect(all.length).toBeGreaterThanOrEqual(45);
    for (const limit of [1, 10, 100]) {
      expect((await allPages({}, limit)).map((i) => i.id)).toEqual(all.map((i) => i.id));
    }
    const first = await api().worklets.list({});
    expect(first.items).toHaveLength(25);
    expect(first.items.map((i) => i.id)).toEqual(all.slice(0, 25).map((i) => i.id));
    // A cursor continues strictly below it.
    const gap = await api().worklets.list({ cursor: all[3]!.id, limit: 2 });
    expect(gap.items.map((i) => i.id)).toEqual([all[4]!.id, all[5]!.id]);
  });

  it('each card carries its active mentors, Primary first', async () => {
    const items = await expectListMatchesOracle({ search: 'catalog' }, 100);
    expect(items).toHaveLength(45);
    const [m0, , m2, m3] = pool;
    const shape3 = items.find((i) => i.title.startsWith('Catalog 03'))!;
    expect(shape3.mentors.map((m) => [m.mentorId, m.role])).toEqual([
      [m2!.id, 'Primary'],
      [m0!.id, 'Secondary'],
      [m3!.id, 'Collaborator'],
    ]);
    expect(shape3.mentors[0]).toEqual({
      assignmentId: expect.any(Number),
      mentorId: m2!.id,
      name: m2!.name,
      email: m2!.email,
      role: 'Primary',
      assignedAt: expect.any(Date),
    });
    expect(items.find((i) => i.title.startsWith('Catalog 04'))).toMatchObject({ mentors: [], hasPrimary: false });
    expect(items.find((i) => i.title.startsWith('Catalog 02'))).toMatchObject({
      hasPrimary: false,
      mentors: [{ role: 'Secondary' }],
    });
  });

  it('filters by status, mentor, search and coverage, alone and combined, across pages', async () => {
    for (const status of statuses) await expectListMatchesOracle({ status }, 4);
    for (const mentor of pool) {
      const items = await expectListMatchesOracle({ mentorId: mentor.id }, 5);
      expect(items.length).toBeGreaterThan(0);
    }
    // m0's inactive assignments (shape 4) do not count.
    const m0Items = await allPages({ mentorId: pool[0]!.id }, 100);
    expect(m0Items.some((i) => i.title.startsWith('Catalog 04'))).toBe(false);
    expect((await expectListMatchesOracle({ search: 'ROBOTICS' }, 4)).length).toBe(15);
    expect((await expectListMatchesOracle({ search: '  catalog 1 ' }, 3)).length).toBe(10);
    expect(await expectListMatchesOracle({ search: 'no such title anywhere' }, 3)).toEqual([]);
    const needsPrimary = await expectListMatchesOracle({ coverage: 'needs_primary' }, 6);
    expect(needsPrimary.every((i) => !i.hasPrimary)).toBe(true);
    const noMentors = await expectListMatchesOracle({ coverage: 'no_mentors' }, 6);
    expect(noMentors.every((i) => i.mentors.length === 0)).toBe(true);
    expect(noMentors.length).toBeLessThan(needsPrimary.length);
    await expectListMatchesOracle({ coverage: 'all' }, 50);
    await expectListMatchesOracle({ status: 'active', coverage: 'needs_primary', search: 'catalog' }, 2);
    await expectListMatchesOracle({ status: 'draft', mentorId: pool[2]!.id, search: 'garden' }, 1);
    await expectListMatchesOracle({ mentorId: pool[1]!.id, coverage: 'needs_primary' }, 2);
  });

  it('is scoped: mentors see the worklets they mentor, students the published ones', async () => {
    for (const mentor of pool) await expectListMatchesOracle({}, 4, mentor);
    const studentItems = await expectListMatchesOracle({}, 8, student);
    expect(studentItems.every((i) => i.status === 'active' || i.status === 'completed')).toBe(true);
    await expectListMatchesOracle({ status: 'draft' }, 8, student).then((items) => expect(items).toEqual([]));
    expect((await caught(api(null).worklets.list({}))).code).toBe('UNAUTHORIZED');
  });

  it('rejects bad paging and unknown keys', async () => {
    for (const input of [
      { limit: 0 },
      { limit: 101 },
      { cursor: 0 },
      { coverage: 'everything' },
      { status: 'deleted' },
      { mentor_id: 1 },
      { search: 'x'.repeat(101) },
    ]) {
      expect((await caught(api().worklets.list(untyped<ListInput>(input)))).code, JSON.stringify(input)).toBe(
        'BAD_REQUEST',
      );
    }
  });
});

describe('worklets.coverage', () => {
  async function oracleCoverage(viewer: SessionUser = admin) {
    const open = oracleFilter(await oracleWorklets(), {}, viewer).filter(
      (w) => w.status === 'draft' || w.status === 'active',
    );
    return {
      needsPrimary: open.filter((w) => !w.mentors.some((m) => m.role === 'Primary')).length,
      noMentors: open.filter((w) => w.mentors.length === 0).length,
      // Admins only; its own tests are in capacity.test.ts.
      mentorsOverCapacity: viewer.role === 'admin' ? (await api().worklets.coverage()).mentorsOverCapacity : null,
    };
  }

  it('counts open worklets without a Primary and without mentors, and follows every change', async () => {
    const start = await api().worklets.coverage();
    expect(start).toEqual(await oracleCoverage());
    const [a, b] = [await f.user('mentor'), await f.user('mentor')];
    const w = await f.worklet({ status: 'draft' });
    expect(await api().worklets.coverage()).toEqual({
      ...start,
      needsPrimary: start.needsPrimary + 1,
      noMentors: start.noMentors + 1,
    });
    await api().assignments.assign({ workletId: w.id, mentorId: a.id, role: 'Secondary' });
    expect(await api().worklets.coverage()).toEqual({
      ...start,
      needsPrimary: start.needsPrimary + 1,
      noMentors: start.noMentors,
    });
    await api().assignments.assign({ workletId: w.id, mentorId: b.id });
    expect(await api().worklets.coverage()).toEqual(start);
    // Completed and archived worklets need nobody.
    const done = await f.worklet({ status: 'completed' });
    await f.worklet({ status: 'archived' });
    expect(await api().worklets.coverage()).toEqual(start);
    await api().worklets.update({ id: done.id, expectedVersion: await f.version(done.id), status: 'active' });
    expect(await api().worklets.coverage()).toEqual({
      ...start,
      needsPrimary: start.needsPrimary + 1,
      noMentors: start.noMentors + 1,
    });
    expect(await api().worklets.coverage()).toEqual(await oracleCoverage());
  });

  it('is scoped to what the caller may see', async () => {
    const m = await f.user('mentor');
    const [w1, w2] = [await f.worklet(), await f.worklet({ status: 'draft' })];
    await api().assignments.assign({ workletId: w1.id, mentorId: m.id, role: 'Secondary' });
    await api().assignments.assign({ workletId: w2.id, mentorId: m.id });
    expect(await api(m).worklets.coverage()).toEqual({ needsPrimary: 1, noMentors: 0, mentorsOverCapacity: null });
    expect(await api(student).worklets.coverage()).toEqual(await oracleCoverage(student));
    expect((await caught(api(null).worklets.coverage())).code).toBe('UNAUTHORIZED');
  });
});

describe('worklets.byId', () => {
  it('shows active mentors Primary first, inactive ones, the legacy Primary and the recent history', async () => {
    const w = await f.worklet({ title: 'Detail view' });
    const [p, s, c, gone] = [
      await f.user('mentor'),
      await f.user('mentor'),
      await f.user('mentor'),
      await f.user('mentor'),
    ];
    await api().assignments.assign({ workletId: w.id, mentorId: c.id, role: 'Collaborator' });
    await api().assignments.assign({ workletId: w.id, mentorId: gone.id, role: 'Secondary' });
    await api(admin2).assignments.assign({ workletId: w.id, mentorId: s.id, role: 'Secondary' });
    await api().assignments.assign({ workletId: w.id, mentorId: p.id });
    await api().assignments.deactivate({ assignmentId: await assignmentId(w.id, gone.id) });

    const detail = await api().worklets.byId({ workletId: w.id });
    expect(detail).toMatchObject({ id: w.id, title: 'Detail view', description: '', status: 'active' });
    expect(detail.mentors.map((m) => [m.mentorId, m.role])).toEqual([
      [p.id, 'Primary'],
      [s.id, 'Secondary'],
      [c.id, 'Collaborator'],
    ]);
    expect(detail.inactiveMentors.map((m) => [m.mentorId, m.role])).toEqual([[gone.id, 'Secondary']]);
    expect(detail.legacyPrimaryMentor).toEqual({ id: p.id, name: p.name, email: p.email });
    expect(detail.history.nextCursor).toBeNull();
    expect(detail.history.items.map((e) => [e.type, e.mentorId, e.oldRole, e.newRole])).toEqual([
      ['deactivated', gone.id, 'Secondary', null],
      ['assigned', p.id, null, 'Primary'],
      ['assigned', s.id, null, 'Secondary'],
      ['assigned', gone.id, null, 'Secondary'],
      ['assigned', c.id, null, 'Collaborator'],
    ]);
    expect(detail.history.items[2]).toMatchObject({
      actorId: admin2.id,
      actorName: admin2.name,
      mentorName: s.name,
      mentorEmail: s.email,
      workletId: w.id,
      workletTitle: 'Detail view',
    });
  });

  it('previews the 20 newest events and gives a cursor to the rest', async () => {
    const w = await f.worklet();
    const m = await f.user('mentor');
    await api().assignments.assign({ workletId: w.id, mentorId: m.id });
    const id = await assignmentId(w.id, m.id);
    for (let i = 0; i < 12; i++) {
      await api().assignments.changeRole({ assignmentId: id, role: i % 2 === 0 ? 'Secondary' : 'Primary' });
    }
    for (let i = 0; i < 6; i++)
      await api().assignments[i % 2 === 0 ? 'deactivate' : 'reactivate']({ assignmentId: id });
    // 1 + 12 + 6 = 19 events: one short of a second page.
    let detail = await api().worklets.byId({ workletId: w.id });
    expect(detail.history.items).toHaveLength(19);
    expect(detail.history.nextCursor).toBeNull();
    await api().assignments.deactivate({ assignmentId: id });
    detail = await api().worklets.byId({ workletId: w.id });
    expect(detail.history.nextCursor).toBeNull();
    expect(detail.history.items).toHaveLength(20);
    await api().assignments.reactivate({ assignmentId: id });
    detail = await api().worklets.byId({ workletId: w.id });
    const events = await f.events({ workletId: w.id });
    expect(events).toHaveLength(21);
    expect(detail.history.items.map((e) => e.id)).toEqual(
      events
        .slice(1)
        .reverse()
        .map((e) => e.id),
    );
    expect(detail.history.nextCursor).toBe(events[1]!.id);
    const rest = await api().history.forWorklet({ workletId: w.id, cursor: detail.history.nextCursor });
    expect(rest.items.map((e) => e.id)).toEqual([events[0]!.id]);
    expect(rest.nextCursor).toBeNull();
    expect(detail.legacyPrimaryMentor?.id).toBe(m.id);
  });

  it('shows no legacy Primary when there is none, and is scoped like the list', async () => {
    const draft = await f.worklet({ status: 'draft' });
    const m = await f.user('mentor');
    await api().assignments.assign({ workletId: draft.id, mentorId: m.id, role: 'Secondary' });
    expect((await api().worklets.byId({ workletId: draft.id })).legacyPrimaryMentor).toBeNull();
    expect((await api(m).worklets.byId({ workletId: draft.id })).mentors).toHaveLength(1);
    expect((await caught(api(await f.user('mentor')).worklets.byId({ workletId: draft.id }))).code).toBe('NOT_FOUND');
    expect((await caught(api(student).worklets.byId({ workletId: draft.id }))).code).toBe('NOT_FOUND');
    expect((await caught(api().worklets.byId({ workletId: 2_000_000_000 }))).code).toBe('NOT_FOUND');
    expect((await caught(api(null).worklets.byId({ workletId: draft.id }))).code).toBe('UNAUTHORIZED');
  });
});

describe('worklets.create / update / archive', () => {
  it('creates with defaults and trimmed text', async () => {
    const created = await api().worklets.create({ idempotencyKey: f.key(), title: '  Soil sensors  ' });
    expect(created).toEqual({
      id: expect.any(Number),
      title: 'Soil sensors',
      description: '',
      status: 'draft',
      version: 1,
    });
    const full = await api().worklets.create({
      idempotencyKey: f.key(),
      title: 'Kites',
      description: ' Wind ',
      status: 'active',
    });
    expect(full).toMatchObject({ title: 'Kites', description: 'Wind', status: 'active' });
    expect(await f.db.prisma.worklet.findUniqueOrThrow({ where: { id: full.id }, select: { mentorId: true } })).toEqual(
      { mentorId: null },
    );
  });

  it('BAD_REQUEST with field errors, and nothing written, for invalid worklets', async () => {
    const cases: [unknown, string][] = [
      [{ title: 'ab' }, 'title'],
      [{ title: '   abc   '.replace('abc', 'a') }, 'title'],
      [{ title: 'x'.repeat(201) }, 'title'],
      [{ title: 'Valid', description: 'x'.repeat(5_001) }, 'description'],
      [{ title: 'Valid', status: 'archived' }, 'status'],
      [{ title: 'Valid', status: 'paused' }, 'status'],
      [{}, 'title'],
    ];
    for (const [input, field] of cases) {
      const error = await rejectsWithoutWriting(
        f,
        () => api().worklets.create(untyped<RouterInputs['worklets']['create']>(input)),
        'BAD_REQUEST',
      );
      expect(fieldErrors(error)[field], JSON.stringify(input)).toBeDefined();
    }
    await rejectsWithoutWriting(
      f,
      () => api().worklets.create(untyped<RouterInputs['worklets']['create']>({ title: 'Valid', mentorId: 1 })),
      'BAD_REQUEST',
    );
    const mentor = await f.user('mentor');
    await rejectsWithoutWriting(
      f,
      () => api(mentor).worklets.create({ idempotencyKey: f.key(), title: 'Valid' }),
      'FORBIDDEN',
    );
    await rejectsWithoutWriting(
      f,
      () => api(student).worklets.create({ idempotencyKey: f.key(), title: 'Valid' }),
      'FORBIDDEN',
    );
    await rejectsWithoutWriting(
      f,
      () => api(null).worklets.create({ idempotencyKey: f.key(), title: 'Valid' }),
      'UNAUTHORIZED',
    );
  });

  it('updates some fields and leaves the others', async () => {
    const w = await api().worklets.create({ idempotencyKey: f.key(), title: 'Bridges', description: 'Paper' });
    expect(await api().worklets.update({ id: w.id, expectedVersion: w.version, status: 'active' })).toEqual({
      ...w,
      status: 'active',
      version: 2,
      batchId: expect.any(Number),
    });
    expect(await api().worklets.update({ id: w.id, expectedVersion: 2, title: ' Arches ', description: '' })).toEqual({
      ...w,
      title: 'Arches',
      description: '',
      status: 'active',
      version: 3,
      batchId: expect.any(Number),
    });
    await rejectsWithoutWriting(
      f,
      () => api().worklets.update({ id: 2_000_000_000, expectedVersion: 1, title: 'Nobody' }),
      'NOT_FOUND',
    );
    const error = await rejectsWithoutWriting(
      f,
      async () => api().worklets.update({ id: w.id, expectedVersion: await f.version(w.id), title: 'no' }),
      'BAD_REQUEST',
    );
    expect(fieldErrors(error).title).toBeDefined();
    await rejectsWithoutWriting(
      f,
      () => api().worklets.update(untyped<RouterInputs['worklets']['update']>({ id: w.id, mentorId: admin.id })),
      'BAD_REQUEST',
    );
    await rejectsWithoutWriting(
      f,
      async () => api(student).worklets.update({ id: w.id, expectedVersion: await f.version(w.id), title: 'Mine now' }),
      'FORBIDDEN',
    );
  });

  it('archives: the worklet keeps its mentors but takes no new ones', async () => {
    const w = await f.worklet();
    const [a, b] = [await f.user('mentor'), await f.user('mentor')];
    await api().assignments.assign({ workletId: w.id, mentorId: a.id });
    expect(await api().worklets.archive({ workletId: w.id })).toEqual({
      id: w.id,
      title: w.title,
      description: '',
      status: 'archived',
      version: await f.version(w.id),
      batchId: expect.any(Number),
    });
    expect((await api().assignments.workletMentors({ workletId: w.id })).map((m) => m.mentorId)).toEqual([a.id]);
    expect(await f.legacyViolations()).toEqual([]);
    await rejectsWithoutWriting(f, () => api().assignments.assign({ workletId: w.id, mentorId: b.id }), 'BAD_REQUEST');
    await rejectsWithoutWriting(f, () => api().worklets.archive({ workletId: 2_000_000_000 }), 'NOT_FOUND');
    await rejectsWithoutWriting(f, () => api(a).worklets.archive({ workletId: w.id }), 'FORBIDDEN');
  });
});

describe('mentors', () => {
  let zed: SessionUser[];
  beforeAll(async () => {
    zed = [];
    // Same names on purpose: keyset pagination must order ties by id.
    for (const name of ['Zed Ames', 'Zed Brook', 'Zed Brook', 'Zed Brook', 'zed cole', 'Zed Dunn', 'Zed Eve'])
      zed.push(await f.user('mentor', { name }));
    await f.user('mentor', { name: 'Zed Gone', isActive: false });
    await f.user('student', { name: 'Zed Student' });
    await f.user('admin', { name: 'Zed Admin' });
    const [w1, w2, w3] = [await f.worklet(), await f.worklet(), await f.worklet()];
    await api().assignments.assign({ workletId: w1.id, mentorId: zed[0]!.id });
    await api().assignments.assign({ workletId: w2.id, mentorId: zed[0]!.id, role: 'Collaborator' });
    await api().assignments.assign({ workletId: w3.id, mentorId: zed[0]!.id, role: 'Secondary' });
    await api().assignments.deactivate({ assignmentId: await assignmentId(w3.id, zed[0]!.id) });
    await api().assignments.assign({ workletId: w3.id, mentorId: zed[2]!.id });
  });

  /** The mentors as the API should list them: open workload by role (draft or active worklets), capacity. */
  async function oracleMentors(where: string, params: unknown[] = []) {
    const result = await f.db.pool.query<{
      id: number;
      name: string;
      email: string;
      isActive: boolean;
      roles: string[];
      own: number | null;
      fallback: number;
    }>(
      `SELECT u.id, u.name, u.email, u.is_active AS "isActive", u.capacity AS own,
              (SELECT default_mentor_capacity FROM program_settings) AS fallback,
              ARRAY(SELECT a.role_type::text FROM mentor_worklet_assignments a JOIN worklets w ON w.id = a.worklet_id
                    WHERE a.mentor_id = u.id AND a.is_active AND w.status IN ('draft', 'active')) AS roles
       FROM users u WHERE u.role = 'mentor' AND ${where} ORDER BY u.name, u.id`,
      params,
    );
    return result.rows.map(({ roles, own, fallback, ...m }) => {
      const count = (role: string) => roles.filter((r) => r === role).length;
      const capacity = own ?? fallback;
      return {
        ...m,
        workload: {
          Primary: count('Primary'),
          Secondary: count('Secondary'),
          Collaborator: count('Collaborator'),
          total: roles.length,
        },
        capacity,
        ownCapacity: own,
        overCapacity: roles.length > capacity,
      };
    });
  }

  it('search: active mentors only, by name or email, case-insensitive, limited', async () => {
    const found = await api().mentors.search({ query: 'zed' });
    expect(found).toEqual(await oracleMentors(`u.is_active AND (u.name ILIKE '%zed%' OR u.email ILIKE '%zed%')`));
    expect(found.map((m) => m.name)).not.toContain('Zed Gone');
    expect(found.map((m) => m.name)).not.toContain('Zed Student');
    expect(found.map((m) => m.name)).not.toContain('Zed Admin');
    expect(found).toHaveLength(7);
    expect(
      (await api().mentors.search({ query: 'ZED BROOK', limit: 2 })).map(({ id, name, email }) => ({
        id,
        name,
        email,
      })),
    ).toEqual([zed[1], zed[2]].map((m) => ({ id: m!.id, name: m!.name, email: m!.email })));
    expect(await api().mentors.search({ query: zed[4]!.email.toUpperCase() })).toMatchObject([
      { id: zed[4]!.id, name: 'zed cole', email: zed[4]!.email },
    ]);
    const everyone = await api().mentors.search({ limit: 50 });
    expect(everyone).toEqual((await oracleMentors('u.is_active')).slice(0, 50));
    expect((await api().mentors.search({})).length).toBeLessThanOrEqual(10);
    for (const input of [{ limit: 0 }, { limit: 51 }, { query: 'x'.repeat(101) }, { role: 'mentor' }]) {
      expect((await caught(api().mentors.search(untyped<RouterInputs['mentors']['search']>(input)))).code).toBe(
        'BAD_REQUEST',
      );
    }
    expect((await caught(api(zed[0]!).mentors.search({ query: 'zed' }))).code).toBe('FORBIDDEN');
    expect((await caught(api(null).mentors.search({ query: 'zed' }))).code).toBe('UNAUTHORIZED');
  });

  it('list: every mentor (inactive ones flagged) with active worklet counts, paged by name without duplicates or gaps', async () => {
    const expected = await oracleMentors('true');
    for (const limit of [1, 2, 3, 100]) {
      const items: RouterOutputs['mentors']['list']['items'] = [];
      let cursor: number | null = null;
      do {
        const page: RouterOutputs['mentors']['list'] = await api().mentors.list({ limit, cursor });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        if (page.nextCursor !== null) expect(page.items).toHaveLength(limit);
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(items, `limit ${limit}`).toEqual(expected);
    }
    const zedOnly = await api().mentors.list({ search: 'zed', limit: 100 });
    expect(zedOnly.items).toEqual(await oracleMentors(`(u.name ILIKE '%zed%' OR u.email ILIKE '%zed%')`));
    expect(zedOnly.items.find((m) => m.id === zed[0]!.id)?.workload).toEqual({
      Primary: 1,
      Secondary: 0,
      Collaborator: 1,
      total: 2,
    });
    expect(zedOnly.items.find((m) => m.id === zed[2]!.id)?.workload.total).toBe(1);
    expect(zedOnly.items.find((m) => m.name === 'Zed Gone')).toMatchObject({
      isActive: false,
      workload: { total: 0 },
    });
    expect(zedOnly.items.some((m) => m.name === 'Zed Student' || m.name === 'Zed Admin')).toBe(false);
    // Paging through the search, two at a time, through the three "Zed Brook".
    const brooks: number[] = [];
    let cursor: number | null = null;
    do {
      const page: RouterOutputs['mentors']['list'] = await api().mentors.list({ search: 'brook', limit: 2, cursor });
      brooks.push(...page.items.map((m) => m.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(brooks).toEqual([zed[1]!.id, zed[2]!.id, zed[3]!.id]);
    expect(await caught(api(student).mentors.list({}))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('byId: a mentor with their workload and capacity; NOT_FOUND for non-mentors and unknown ids', async () => {
    expect(await api().mentors.byId({ mentorId: zed[0]!.id })).toEqual({
      id: zed[0]!.id,
      name: 'Zed Ames',
      email: zed[0]!.email,
      isActive: true,
      createdAt: expect.any(Date),
      workload: { Primary: 1, Secondary: 0, Collaborator: 1, total: 2 },
      capacity: 8,
      ownCapacity: null,
      overCapacity: false,
    });
    expect((await api().mentors.byId({ mentorId: zed[6]!.id })).workload.total).toBe(0);
    expect((await caught(api().mentors.byId({ mentorId: student.id }))).code).toBe('NOT_FOUND');
    expect((await caught(api().mentors.byId({ mentorId: admin.id }))).code).toBe('NOT_FOUND');
    expect((await caught(api().mentors.byId({ mentorId: 2_000_000_000 }))).code).toBe('NOT_FOUND');
    expect((await caught(api(zed[0]!).mentors.byId({ mentorId: zed[0]!.id }))).code).toBe('FORBIDDEN');
  });
});

describe('history', () => {
  it('forWorklet and forMentor: newest first, paged without duplicates or gaps', async () => {
    const [w1, w2] = [await f.worklet(), await f.worklet()];
    const [a, b] = [await f.user('mentor'), await f.user('mentor')];
    await api().assignments.assign({ workletId: w1.id, mentorId: a.id });
    await api().assignments.assign({ workletId: w2.id, mentorId: a.id, role: 'Collaborator' });
    await api().assignments.assign({ workletId: w1.id, mentorId: b.id });
    await api(admin2).assignments.changeRole({
      assignmentId: await assignmentId(w1.id, b.id),
      role: 'Primary',
      replacePrimary: true,
    });
    await api().assignments.deactivate({ assignmentId: await assignmentId(w2.id, a.id) });
    await api().assignments.setMentors({
      workletId: w1.id,
      expectedVersion: await f.version(w1.id),
      mentors: [{ mentorId: b.id, role: 'Secondary' }],
    });

    for (const [read, expected] of [
      [
        (cursor: number | null) => api().history.forWorklet({ workletId: w1.id, limit: 2, cursor }),
        await f.events({ workletId: w1.id }),
      ],
      [
        (cursor: number | null) => api().history.forMentor({ mentorId: a.id, limit: 2, cursor }),
        await f.events({ mentorId: a.id }),
      ],
    ] as const) {
      const ids: number[] = [];
      let cursor: number | null = null;
      do {
        const page: RouterOutputs['history']['forWorklet'] = await read(cursor);
        ids.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(ids).toEqual(expected.map((e) => e.id).reverse());
    }
    const w1History = await api().history.forWorklet({ workletId: w1.id });
    expect(w1History.items.map((e) => [e.type, e.mentorId, e.oldRole, e.newRole])).toEqual([
      // One setMentors call: deactivations are written before role changes.
      ['role_changed', b.id, 'Primary', 'Secondary'],
      ['deactivated', a.id, 'Secondary', null],
      ['role_changed', b.id, 'Secondary', 'Primary'],
      ['role_changed', a.id, 'Primary', 'Secondary'],
      ['assigned', b.id, null, 'Secondary'],
      ['assigned', a.id, null, 'Primary'],
    ]);
    expect(w1History.items[2]).toMatchObject({ actorId: admin2.id, actorName: admin2.name, workletTitle: w1.title });
    const aHistory = await api().history.forMentor({ mentorId: a.id });
    expect(aHistory.items.map((e) => [e.type, e.workletId])).toEqual([
      ['deactivated', w1.id],
      ['deactivated', w2.id],
      ['role_changed', w1.id],
      ['assigned', w2.id],
      ['assigned', w1.id],
    ]);
  });

  it('keeps actor and mentor names after those users are deleted', async () => {
    const leaving = await f.user('admin', { name: 'Lou Leaving' });
    const w = await f.worklet();
    const m = await f.user('mentor', { name: 'Mo Mentor' });
    const stay = await f.user('mentor');
    await api(leaving).assignments.assign({ workletId: w.id, mentorId: m.id });
    await api(leaving).assignments.assign({ workletId: w.id, mentorId: stay.id });
    await f.db.prisma.user.delete({ where: { id: leaving.id } });

    let history = await api().history.forWorklet({ workletId: w.id });
    expect(history.items.map((e) => [e.actorId, e.actorName])).toEqual([
      [null, 'Lou Leaving'],
      [null, 'Lou Leaving'],
    ]);
    expect((await f.assignments(w.id)).map((a) => a.assignedById)).toEqual([null, null]);

    await f.db.prisma.user.delete({ where: { id: m.id } });
    history = await api().history.forWorklet({ workletId: w.id });
    expect(history.items.map((e) => [e.mentorId, e.mentorName, e.actorName])).toEqual([
      [stay.id, stay.name, 'Lou Leaving'],
      [null, 'Mo Mentor', 'Lou Leaving'],
    ]);
    expect(history.items[1]!.mentorEmail).toBe(m.email);
    expect(history.items[1]!.assignmentId).toBeNull();
    expect((await caught(api().history.forMentor({ mentorId: m.id }))).code).toBe('NOT_FOUND');
    expect(await f.legacyViolations()).toEqual([]);
  });

  it('is scoped: students never, mentors for their own worklets and themselves', async () => {
    const w = await f.worklet();
    const [m, other] = [await f.user('mentor'), await f.user('mentor')];
    await api().assignments.assign({ workletId: w.id, mentorId: m.id });
    expect((await api(m).history.forWorklet({ workletId: w.id })).items).toHaveLength(1);
    expect((await api(m).history.forMentor({ mentorId: m.id })).items).toHaveLength(1);
    expect((await caught(api(other).history.forWorklet({ workletId: w.id }))).code).toBe('NOT_FOUND');
    expect((await caught(api(other).history.forMentor({ mentorId: m.id }))).code).toBe('FORBIDDEN');
    expect((await caught(api(student).history.forWorklet({ workletId: w.id }))).code).toBe('FORBIDDEN');
    expect((await caught(api(student).history.forMentor({ mentorId: m.id }))).code).toBe('FORBIDDEN');
    expect((await caught(api(null).history.forWorklet({ workletId: w.id }))).code).toBe('UNAUTHORIZED');
    expect((await caught(api().history.forWorklet({ workletId: 2_000_000_000 }))).code).toBe('NOT_FOUND');
    expect((await caught(api().history.forMentor({ mentorId: 2_000_000_000 }))).code).toBe('NOT_FOUND');
    expect(
      (
        await caught(
          api().history.forWorklet(untyped<RouterInputs['history']['forWorklet']>({ workletId: w.id, limit: 500 })),
        )
      ).code,
    ).toBe('BAD_REQUEST');
  });
});

describe('users', () => {
  it('create: normalises the email, and a duplicate email (any case) is a CONFLICT that writes nothing', async () => {
    const { user: created } = await api().users.create({
      idempotencyKey: f.key(),
      email: '  Nia.Newton@Example.TEST ',
      name: ' Nia Newton ',
      role: 'mentor',
    });
    expect(created).toMatchObject({
      id: expect.any(Number),
      email: 'nia.newton@example.test',
      name: 'Nia Newton',
      role: 'mentor',
      isActive: true,
    });
    const error = await rejectsWithoutWriting(
      f,
      () =>
        api().users.create({
          idempotencyKey: f.key(),
          email: 'NIA.NEWTON@example.test',
          name: 'Other',
          role: 'student',
        }),
      'CONFLICT',
    );
    expect(error.message).not.toMatch(/prisma|unique constraint|users_email_key/i);
    expect((await api().mentors.search({ query: 'nia newton' })).map((m) => m.id)).toEqual([created.id]);
  });

  it('create: BAD_REQUEST with field errors, FORBIDDEN for non-admins, nothing written', async () => {
    const cases: [unknown, string][] = [
      [{ email: 'not-an-email', name: 'X', role: 'mentor' }, 'email'],
      [{ email: 'ok@example.test', name: '   ', role: 'mentor' }, 'name'],
      [{ email: 'ok@example.test', name: 'X', role: 'owner' }, 'role'],
      [{ email: 'ok@example.test', name: 'X' }, 'role'],
    ];
    for (const [input, field] of cases) {
      const error = await rejectsWithoutWriting(
        f,
        () => api().users.create(untyped<RouterInputs['users']['create']>(input)),
        'BAD_REQUEST',
      );
      expect(fieldErrors(error)[field], JSON.stringify(input)).toBeDefined();
    }
    await rejectsWithoutWriting(
      f,
      () =>
        api().users.create(
          untyped<RouterInputs['users']['create']>({
            email: 'ok@example.test',
            name: 'X',
            role: 'mentor',
            isActive: false,
          }),
        ),
      'BAD_REQUEST',
    );
    await rejectsWithoutWriting(
      f,
      () => api(student).users.create({ idempotencyKey: f.key(), email: 'ok@example.test', name: 'X', role: 'admin' }),
      'FORBIDDEN',
    );
    await rejectsWithoutWriting(
      f,
      () => api(null).users.create({ idempotencyKey: f.key(), email: 'ok@example.test', name: 'X', role: 'admin' }),
      'UNAUTHORIZED',
    );
  });

  it('update: changes name and email; duplicate email is a CONFLICT, unknown id NOT_FOUND, own admin role kept', async () => {
    const { user: u } = await api().users.create({
      idempotencyKey: f.key(),
      email: 'uma@example.test',
      name: 'Uma',
      role: 'student',
    });
    const updated = await api().users.update({ id: u.id, name: 'Uma Ueda', email: 'UMA.UEDA@example.test' });
    expect(updated).toMatchObject({ id: u.id, name: 'Uma Ueda', email: 'uma.ueda@example.test', role: 'student' });
    await rejectsWithoutWriting(
      f,
      () => api().users.update({ id: u.id, email: admin.email.toUpperCase() }),
      'CONFLICT',
    );
    await rejectsWithoutWriting(f, () => api().users.update({ id: 2_000_000_000, name: 'Ghost' }), 'NOT_FOUND');
    await rejectsWithoutWriting(f, () => api().users.update({ id: admin.id, role: 'mentor' }), 'BAD_REQUEST');
    await rejectsWithoutWriting(
      f,
      () => api().users.update(untyped<RouterInputs['users']['update']>({ id: u.id, isActive: false })),
      'BAD_REQUEST',
    );
    const invalid = await rejectsWithoutWriting(
      f,
      () => api().users.update({ id: u.id, email: 'nope' }),
      'BAD_REQUEST',
    );
    expect(fieldErrors(invalid).email).toBeDefined();
    expect(await api().users.update({ id: u.id, role: 'mentor' })).toMatchObject({ role: 'mentor' });
  });

  it('update: a mentor with active assignments cannot lose the mentor role (CONFLICT, nothing written)', async () => {
    const m = await f.user('mentor');
    const [w1, w2] = [await f.worklet(), await f.worklet()];
    await api().assignments.assign({ workletId: w1.id, mentorId: m.id });
    await api().assignments.assign({ workletId: w2.id, mentorId: m.id, role: 'Secondary' });
    await rejectsWithoutWriting(
      f,
      () => api().users.update({ id: m.id, role: 'student' }),
      'CONFLICT',
      /2 active worklets/,
    );
    await rejectsWithoutWriting(f, () => api().users.update({ id: m.id, role: 'admin', name: 'Renamed' }), 'CONFLICT');
    // Other changes are fine.
    expect(await api().users.update({ id: m.id, name: 'Still Mentor', role: 'mentor' })).toMatchObject({
      name: 'Still Mentor',
      role: 'mentor',
    });
    await api().assignments.setMentors({ workletId: w1.id, expectedVersion: await f.version(w1.id), mentors: [] });
    await rejectsWithoutWriting(
      f,
      () => api().users.update({ id: m.id, role: 'student' }),
      'CONFLICT',
      /1 active worklet:/,
    );
    await api().assignments.setMentors({ workletId: w2.id, expectedVersion: await f.version(w2.id), mentors: [] });
    expect(await api().users.update({ id: m.id, role: 'student' })).toMatchObject({ role: 'student' });
  });

  it('setActive(false) on a mentor ends their active assignments with events and legacy sync', async () => {
    const m = await f.user('mentor');
    const other = await f.user('mentor');
    const [w1, w2, w3, w4] = [
      await f.worklet(),
      await f.worklet(),
      await f.worklet(),
      await f.worklet({ status: 'archived' }),
    ];
    await api().assignments.assign({ workletId: w1.id, mentorId: m.id });
    await api().assignments.assign({ workletId: w1.id, mentorId: other.id });
    await api().assignments.assign({ workletId: w2.id, mentorId: other.id });
    await api().assignments.assign({ workletId: w2.id, mentorId: m.id, role: 'Collaborator' });
    await api().assignments.assign({ workletId: w3.id, mentorId: m.id, role: 'Secondary' });
    await api().assignments.deactivate({ assignmentId: await assignmentId(w3.id, m.id) });
    await f.db.prisma.mentorWorkletAssignment.create({
      data: { workletId: w4.id, mentorId: m.id, roleType: 'Primary', assignedById: admin.id },
    });
    await f.db.prisma.worklet.update({ where: { id: w4.id }, data: { mentorId: m.id } });
    const mark = (await f.db.prisma.assignmentEvent.findFirst({ orderBy: { id: 'desc' } }))?.id ?? 0;

    const result = await api(admin2).users.setActive({ id: m.id, isActive: false });
    expect(result).toMatchObject({ id: m.id, isActive: false });
    const events = await f.events({ afterId: mark });
    expect(events.map((e) => [e.type, e.workletId, e.mentorId, e.oldRole, e.newRole, e.actorId, e.actorName])).toEqual([
      ['deactivated', w1.id, m.id, 'Primary', null, admin2.id, admin2.name],
      ['deactivated', w2.id, m.id, 'Collaborator', null, admin2.id, admin2.name],
      ['deactivated', w4.id, m.id, 'Primary', null, admin2.id, admin2.name],
    ]);
    expect(await f.db.prisma.mentorWorkletAssignment.count({ where: { mentorId: m.id, isActive: true } })).toBe(0);
    expect(await f.db.prisma.mentorWorkletAssignment.count({ where: { mentorId: m.id } })).toBe(4);
    expect(await f.legacyMentorId(w1.id)).toBeNull();
    expect(await f.legacyMentorId(w2.id)).toBe(other.id);
    expect(await f.legacyMentorId(w4.id)).toBeNull();
    expect(await f.legacyViolations()).toEqual([]);
    expect((await api().assignments.workletMentors({ workletId: w1.id })).map((x) => x.mentorId)).toEqual([other.id]);
    expect(await api().mentors.search({ query: m.name })).toEqual([]);
    await rejectsWithoutWriting(f, () => api().assignments.assign({ workletId: w3.id, mentorId: m.id }), 'BAD_REQUEST');

    // Coming back does not bring the assignments back.
    const before = await f.counts();
    expect(await api().users.setActive({ id: m.id, isActive: true })).toMatchObject({ isActive: true });
    expect(await f.db.prisma.mentorWorkletAssignment.count({ where: { mentorId: m.id, isActive: true } })).toBe(0);
    expect((await f.counts()).events).toBe(before.events);
  });

  it('setActive(false) is one transaction: a failure at the end undoes the assignment changes', async () => {
    const m = await f.user('mentor', { name: 'Atomic Mentor' });
    const w = await f.worklet();
    await api().assignments.assign({ workletId: w.id, mentorId: m.id });
    await f.db.pool.query(`CREATE OR REPLACE FUNCTION refuse_atomic_user() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused for the test'; END $$`);
    await f.db.pool.query(`CREATE TRIGGER refuse_atomic_user BEFORE UPDATE ON users FOR EACH ROW
      WHEN (NEW.name = 'Atomic Mentor' AND NOT NEW.is_active) EXECUTE FUNCTION refuse_atomic_user()`);
    try {
      const error = await rejectsWithoutWriting(
        f,
        () => api().users.setActive({ id: m.id, isActive: false }),
        'INTERNAL_SERVER_ERROR',
      );
      expect(error.message).not.toMatch(/refused|prisma|invocation/i);
      expect(await f.legacyMentorId(w.id)).toBe(m.id);
    } finally {
      await f.db.pool.query(`DROP TRIGGER refuse_atomic_user ON users; DROP FUNCTION refuse_atomic_user()`);
    }
    await api().users.setActive({ id: m.id, isActive: false });
    expect(await f.legacyMentorId(w.id)).toBeNull();
  });

  it('setActive: not yourself, NOT_FOUND for unknown users, admins only', async () => {
    await rejectsWithoutWriting(
      f,
      () => api().users.setActive({ id: admin.id, isActive: false }),
      'BAD_REQUEST',
      /yourself/,
    );
    await rejectsWithoutWriting(f, () => api().users.setActive({ id: 2_000_000_000, isActive: false }), 'NOT_FOUND');
    const m = await f.user('mentor');
    await rejectsWithoutWriting(f, () => api(m).users.setActive({ id: m.id, isActive: false }), 'FORBIDDEN');
    await rejectsWithoutWriting(f, () => api(null).users.setActive({ id: m.id, isActive: false }), 'UNAUTHORIZED');
    await rejectsWithoutWriting(
      f,
      () => api().users.setActive(untyped<RouterInputs['users']['setActive']>({ id: m.id })),
      'BAD_REQUEST',
    );
    // Deactivating another admin works, and an admin can be reactivated.
    const other = await f.user('admin');
    expect(await api().users.setActive({ id: other.id, isActive: false })).toMatchObject({ isActive: false });
    expect(await api().users.setActive({ id: other.id, isActive: true })).toMatchObject({ isActive: true });
  });
});
