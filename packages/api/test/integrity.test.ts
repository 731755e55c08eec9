/**
 * Issue 11 (integrity) and the security findings of issue 9 that live in the API and the
 * shared validators, one test per finding, named "issue 11 finding N" / "security finding N".
 * Each failed before the change that closed it. Calls go through createCaller, and where the
 * wire matters (the stale-write contract in `error.data`, `__proto__` keys) through tRPC's
 * HTTP adapter with a superjson client.
 */
import { once } from 'node:events';
import type net from 'node:net';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { maxMentorsPerWorklet } from '@worklets/validators/assignments';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppRouter, appRouter, createContextInner, type SessionUser } from '../src/root.ts';
import { type ApiFixture, createApiFixture } from './api-fixture.ts';
import { fieldErrors, rejectsWithoutWriting, untyped } from './helpers.ts';

let f: ApiFixture;
let admin: SessionUser;
let ada: SessionUser;
let server: { url: string; close(): Promise<void> };
const httpUsers = new Map<string, SessionUser>();

beforeAll(async () => {
  f = await createApiFixture();
  admin = await f.user('admin', { name: 'Grace Admin' });
  ada = await f.user('admin', { name: 'Ada Admin' });
  httpUsers.set('admin', admin);
  const http = createHTTPServer({
    router: appRouter,
    createContext: ({ req }) =>
      createContextInner({ db: f.db.prisma, user: httpUsers.get(String(req.headers['x-user'] ?? '')) ?? null }),
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  server = {
    url: `http://127.0.0.1:${(http.address() as net.AddressInfo).port}`,
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
});
afterAll(async () => {
  await server?.close();
  await f?.close();
});

const api = (user: SessionUser | null = admin) => f.callerFor(user);

function client(user = 'admin') {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: server.url, transformer: superjson, headers: { 'x-user': user } })],
  });
}

async function mentors(n: number, prefix = 'Mentor') {
  const out: SessionUser[] = [];
  for (let i = 0; i < n; i++) out.push(await f.user('mentor', { name: `${prefix} ${i}` }));
  return out;
}

describe('issue 11 finding 1: no lost update (optimistic concurrency on worklets.version)', () => {
  it('two tabs: the second stale save of the mentor set is a CONFLICT with what changed since, writes nothing, and saves after review', async () => {
    const w = await f.worklet();
    const [ines, karan, lena] = await mentors(3, 'Tab');
    await api().assignments.setMentors({
      workletId: w.id,
      expectedVersion: await f.version(w.id),
      mentors: [{ mentorId: lena!.id, role: 'Primary' }],
    });
    // Both tabs open the worklet at the same version.
    const opened = await api().worklets.byId({ workletId: w.id });
    expect(opened.version).toBe(2);
    // Tab A (Ada) adds Ines and saves.
    const a = await api(ada).assignments.setMentors({
      workletId: w.id,
      expectedVersion: opened.version,
      mentors: [
        { mentorId: lena!.id, role: 'Primary' },
        { mentorId: ines!.id, role: 'Secondary' },
      ],
    });
    expect(a.version).toBe(3);
    // Tab B, not reloaded, adds Karan: refused, Ines is not removed.
    const stale = await rejectsWithoutWriting(
      f,
      () =>
        api().assignments.setMentors({
          workletId: w.id,
          expectedVersion: opened.version,
          mentors: [
            { mentorId: lena!.id, role: 'Primary' },
            { mentorId: karan!.id, role: 'Secondary' },
          ],
        }),
      'CONFLICT',
      /changed by someone else/,
    );
    expect(stale.cause).toMatchObject({
      details: {
        staleWrite: {
          currentVersion: 3,
          changes: [
            {
              type: 'assigned',
              mentorName: 'Tab 0',
              oldRole: null,
              newRole: 'Secondary',
              actorName: 'Ada Admin',
              workletVersion: 3,
              occurredAt: expect.any(Date),
            },
          ],
        },
      },
    });
    expect((await api().assignments.workletMentors({ workletId: w.id })).map((m) => m.name).sort()).toEqual([
      'Tab 0',
      'Tab 2',
    ]);
    // After review, tab B saves its set on top of the current version.
    const b = await api().assignments.setMentors({
      workletId: w.id,
      expectedVersion: 3,
      mentors: [
        { mentorId: lena!.id, role: 'Primary' },
        { mentorId: ines!.id, role: 'Secondary' },
        { mentorId: karan!.id, role: 'Secondary' },
      ],
    });
    expect(b).toMatchObject({ version: 4, changes: 1 });
  });

  it('over the wire: error.data.staleWrite carries the current version and the changes since, oldest first', async () => {
    const w = await f.worklet({ title: 'Wire worklet' });
    const [m] = await mentors(1, 'Wire');
    await api(ada).assignments.assign({ workletId: w.id, mentorId: m!.id });
    await api(ada).worklets.update({ id: w.id, expectedVersion: 2, title: 'Wire worklet, renamed' });
    const error = await client()
      .worklets.update.mutate({ id: w.id, expectedVersion: 1, description: 'Mine' })
      .then(
        () => {
          throw new Error('expected a CONFLICT');
        },
        (e: unknown) => e as TRPCClientError<AppRouter>,
      );
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(error.data?.code).toBe('CONFLICT');
    expect(error.data?.staleWrite).toEqual({
      currentVersion: 3,
      changes: [
        expect.objectContaining({
          type: 'assigned',
          mentorName: 'Wire 0',
          newRole: 'Primary',
          actorName: 'Ada Admin',
          workletVersion: 2,
        }),
        expect.objectContaining({
          type: 'worklet_updated',
          mentorName: null,
          mentorEmail: null,
          changedFields: ['title'],
          actorName: 'Ada Admin',
          workletVersion: 3,
        }),
      ],
    });
    expect(error.data?.staleWrite?.changes[0]?.occurredAt).toBeInstanceOf(Date);
    expect((await api().worklets.byId({ workletId: w.id })).description).toBe('');
  });

  it('every write path bumps the version once, and every event records the version it produced', async () => {
    const w = await f.worklet();
    const [p, s, t] = await mentors(3, 'Bump');
    let v = await f.version(w.id);
    const expectBump = async (what: string) => {
      expect(await f.version(w.id), what).toBe(v + 1);
      v++;
      const events = await f.events({ workletId: w.id });
      expect(events.at(-1)!.workletVersion, what).toBe(v);
    };
    await api().assignments.assign({ workletId: w.id, mentorId: p!.id });
    await expectBump('assign');
    await api().assignments.setMentors({
      workletId: w.id,
      expectedVersion: v,
      mentors: [
        { mentorId: p!.id, role: 'Primary' },
        { mentorId: s!.id, role: 'Secondary' },
        { mentorId: t!.id, role: 'Collaborator' },
      ],
    });
    await expectBump('setMentors (two changes, one version)');
    const ids = new Map((await f.assignments(w.id)).map((a) => [a.mentorId, a.id]));
    await api().assignments.changeRole({ assignmentId: ids.get(t!.id)!, role: 'Secondary' });
    await expectBump('changeRole');
    await api().assignments.deactivate({ assignmentId: ids.get(t!.id)! });
    await expectBump('deactivate');
    await api().assignments.reactivate({ assignmentId: ids.get(t!.id)!, role: 'Collaborator' });
    await expectBump('reactivate');
    await api().worklets.update({ id: w.id, expectedVersion: v, description: 'Edited' });
    await expectBump('update');
    await api().users.setActive({ id: s!.id, isActive: false });
    await expectBump('a user deactivation that ends an assignment');
    await api().worklets.archive({ workletId: w.id });
    await expectBump('archive');
    // No change, no version: the same status again, the same set again.
    await api().worklets.update({ id: w.id, expectedVersion: v, status: 'archived' });
    await api().worklets.archive({ workletId: w.id });
    const same = await api().assignments.setMentors({
      workletId: w.id,
      expectedVersion: v,
      mentors: [
        { mentorId: p!.id, role: 'Primary' },
        { mentorId: t!.id, role: 'Collaborator' },
      ],
    });
    expect(same).toMatchObject({ version: v, changes: 0 });
    expect(await f.version(w.id)).toBe(v);
    // Reads return the version: the detail and the cards.
    expect((await api().worklets.byId({ workletId: w.id })).version).toBe(v);
    const card = (await api().worklets.list({ limit: 100 })).items.find((c) => c.id === w.id);
    expect(card?.version).toBe(v);
  });

  it('expectedVersion is required on setMentors and update (BAD_REQUEST naming it); a single assign needs none', async () => {
    const w = await f.worklet();
    const [m] = await mentors(1, 'Required');
    for (const call of [
      () => api().assignments.setMentors(untyped({ workletId: w.id, mentors: [] })),
      () => api().worklets.update(untyped({ id: w.id, title: 'No version' })),
    ]) {
      const error = await rejectsWithoutWriting(f, call, 'BAD_REQUEST');
      expect(fieldErrors(error).expectedVersion).toBeDefined();
    }
    await expect(api().assignments.assign({ workletId: w.id, mentorId: m!.id })).resolves.toMatchObject({
      version: 2,
    });
  });
});

describe('issue 11 finding 2: idempotent creates, and deleting duplicates', () => {
  it('10 concurrent identical worklets.create with one key: 1 row, all 10 get the same result', async () => {
    const key = f.key();
    const before = await f.db.prisma.worklet.count();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => api().worklets.create({ idempotencyKey: key, title: 'Double click' })),
    );
    expect(await f.db.prisma.worklet.count()).toBe(before + 1);
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(await f.db.prisma.worklet.count({ where: { idempotencyKey: key } })).toBe(1);
    // Later, the same key again: still the first worklet; another key: a new one.
    expect(await api().worklets.create({ idempotencyKey: key, title: 'Double click' })).toEqual(results[0]);
    const other = await api().worklets.create({ idempotencyKey: f.key(), title: 'Double click' });
    expect(other.id).not.toBe(results[0]!.id);
    // The key is per admin: another admin's request with the same key is their own.
    const theirs = await api(ada).worklets.create({ idempotencyKey: key, title: 'Double click' });
    expect(theirs.id).not.toBe(results[0]!.id);
  });

  it('10 concurrent identical users.create with one key: 1 user, all 10 get the same result; a new key for the same email is a CONFLICT', async () => {
    const key = f.key();
    const before = await f.db.prisma.user.count();
    const input = { idempotencyKey: key, email: 'twice.clicked@example.test', name: 'Twice Clicked', role: 'student' };
    const results = await Promise.all(Array.from({ length: 10 }, () => api().users.create(untyped(input))));
    expect(await f.db.prisma.user.count()).toBe(before + 1);
    expect(new Set(results.map((r) => JSON.stringify(r.user))).size).toBe(1);
    // Each answer carries a link; only one invitation stays alive (the user row is locked).
    const live = await f.db.prisma.accountToken.count({ where: { userId: results[0]!.user.id, usedAt: null } });
    expect(live).toBe(1);
    await rejectsWithoutWriting(
      f,
      () => api().users.create(untyped({ ...input, idempotencyKey: f.key() })),
      'CONFLICT',
    );
  });

  it('a create without a UUID key is BAD_REQUEST and writes nothing', async () => {
    for (const idempotencyKey of [undefined, '', 'not-a-uuid', 42]) {
      const error = await rejectsWithoutWriting(
        f,
        () => api().worklets.create(untyped({ title: 'Keyless', idempotencyKey })),
        'BAD_REQUEST',
      );
      expect(fieldErrors(error).idempotencyKey).toBeDefined();
    }
  });

  it('admins delete a worklet with no history beyond its creation; one with history is a CONFLICT (archive it), others FORBIDDEN', async () => {
    const duplicate = await api().worklets.create({ idempotencyKey: f.key(), title: 'Duplicate' });
    const [m] = await mentors(1, 'Deleter');
    await rejectsWithoutWriting(f, () => api(m!).worklets.delete({ workletId: duplicate.id }), 'FORBIDDEN');
    expect(await api().worklets.delete({ workletId: duplicate.id })).toEqual({
      id: duplicate.id,
      title: 'Duplicate',
      deleted: true,
    });
    expect(await f.db.prisma.worklet.findUnique({ where: { id: duplicate.id } })).toBeNull();
    await rejectsWithoutWriting(f, () => api().worklets.delete({ workletId: duplicate.id }), 'NOT_FOUND');

    const staffed = await f.worklet();
    await api().assignments.assign({ workletId: staffed.id, mentorId: m!.id });
    await api().assignments.setMentors({ workletId: staffed.id, expectedVersion: 2, mentors: [] });
    const edited = await api().worklets.create({ idempotencyKey: f.key(), title: 'Edited once' });
    await api().worklets.update({ id: edited.id, expectedVersion: 1, title: 'Edited twice' });
    for (const w of [staffed, edited]) {
      await rejectsWithoutWriting(
        f,
        () => api().worklets.delete({ workletId: w.id }),
        'CONFLICT',
        /cannot be deleted: archive it instead/,
      );
    }
  });
});

describe('issue 11 finding 3: at most maxMentorsPerWorklet active mentors in every write', () => {
  it('assign and reactivate refuse the mentor after the limit (BAD_REQUEST, nothing written); the dashboard can still save the worklet', async () => {
    expect(maxMentorsPerWorklet).toBe(20);
    const w = await f.worklet();
    const pool = await mentors(maxMentorsPerWorklet + 2, 'Crowd');
    for (const m of pool.slice(0, maxMentorsPerWorklet))
      await api().assignments.assign({ workletId: w.id, mentorId: m.id });
    await rejectsWithoutWriting(
      f,
      () => api().assignments.assign({ workletId: w.id, mentorId: pool[maxMentorsPerWorklet]!.id }),
      'BAD_REQUEST',
      /at most 20/,
    );
    // Make room, let someone else take it, then the former mentor cannot come back.
    const rows = await f.assignments(w.id);
    await api().assignments.deactivate({ assignmentId: rows.at(-1)!.id });
    await api().assignments.assign({ workletId: w.id, mentorId: pool[maxMentorsPerWorklet + 1]!.id });
    await rejectsWithoutWriting(
      f,
      () => api().assignments.reactivate({ assignmentId: rows.at(-1)!.id }),
      'BAD_REQUEST',
      /at most 20/,
    );
    const active = await api().assignments.workletMentors({ workletId: w.id });
    expect(active).toHaveLength(maxMentorsPerWorklet);
    // The full set still saves (the editor's own limit is the same constant).
    await expect(
      api().assignments.setMentors({
        workletId: w.id,
        expectedVersion: await f.version(w.id),
        mentors: active.map((m) => ({ mentorId: m.mentorId, role: m.role })),
      }),
    ).resolves.toMatchObject({ changes: 0 });
  });
});

describe('issue 11 finding 7: history in time order everywhere (time, then id)', () => {
  it('worklet and mentor history, the detail preview and its pages follow occurred_at, then id, whatever the insertion order', async () => {
    const w = await f.worklet();
    const [m] = await mentors(1, 'Timeline');
    await api().assignments.assign({ workletId: w.id, mentorId: m!.id });
    const [assignment] = await f.assignments(w.id);
    await api().assignments.changeRole({ assignmentId: assignment!.id, role: 'Secondary' });
    await api().assignments.changeRole({ assignmentId: assignment!.id, role: 'Collaborator' });
    await api().assignments.deactivate({ assignmentId: assignment!.id });
    // Imported history: rows inserted later but earlier in time, and two at the same moment.
    const events = await f.events({ workletId: w.id });
    const times = ['2026-02-19T10:00:00Z', '2026-02-18T09:00:00Z', '2026-02-20T08:00:00Z', '2026-02-18T09:00:00Z'];
    for (const [i, e] of events.entries())
      await f.db.pool.query('UPDATE assignment_events SET occurred_at = $2 WHERE id = $1', [e.id, times[i]]);
    const expected = events
      .map((e, i) => ({ id: e.id, at: Date.parse(times[i]!) }))
      .sort((a, b) => b.at - a.at || b.id - a.id)
      .map((e) => e.id);

    const byWorklet = await api().history.forWorklet({ workletId: w.id });
    expect(byWorklet.items.map((e) => e.id)).toEqual(expected);
    const byMentor = await api().history.forMentor({ mentorId: m!.id });
    expect(byMentor.items.map((e) => e.id)).toEqual(expected);
    expect((await api().worklets.byId({ workletId: w.id })).history.items.map((e) => e.id)).toEqual(expected);
    // Pages of one continue where the previous one stopped, across equal times.
    const paged: number[] = [];
    let cursor: number | null = null;
    do {
      const page: Awaited<ReturnType<ReturnType<typeof api>['history']['forWorklet']>> = await api().history.forWorklet(
        {
          workletId: w.id,
          limit: 1,
          cursor,
        },
      );
      paged.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(paged).toEqual(expected);
  });

  it('the indexes that serve it exist: (worklet_id, occurred_at, id), (mentor_id, occurred_at, id), (worklet_id, worklet_version)', async () => {
    const indexes = await f.db.pool.query<{ def: string }>(
      `SELECT indexdef AS def FROM pg_indexes WHERE tablename = 'assignment_events' ORDER BY indexname`,
    );
    const defs = indexes.rows.map((r) => r.def.replace(/.*USING btree /, ''));
    expect(defs).toEqual(
      expect.arrayContaining([
        '(worklet_id, occurred_at, id)',
        '(mentor_id, occurred_at, id)',
        '(worklet_id, worklet_version)',
      ]),
    );
  });
});

describe('issue 11 finding 8: coverage counts and filters share one definition (open worklets only)', () => {
  it('each count equals its filter total, for an admin, a mentor and a student, with completed and archived worklets in the mix', async () => {
    const [m] = await mentors(1, 'Coverage');
    const student = await f.user('student');
    for (const status of ['draft', 'active', 'completed', 'archived'] as const) {
      await f.worklet({ status }); // no mentors
      const primaryLess = await f.worklet({ status: 'active' });
      await api().assignments.assign({ workletId: primaryLess.id, mentorId: m!.id, role: 'Secondary' });
      await f.db.pool.query('UPDATE worklets SET status = $2::worklet_status WHERE id = $1', [primaryLess.id, status]);
    }
    const total = async (viewer: SessionUser, coverage: 'needs_primary' | 'no_mentors') => {
      let n = 0;
      let cursor: number | null = null;
      do {
        const page: Awaited<ReturnType<ReturnType<typeof api>['worklets']['list']>> = await api(viewer).worklets.list({
          coverage,
          limit: 100,
          cursor,
        });
        n += page.items.length;
        for (const item of page.items) expect(['draft', 'active']).toContain(item.status);
        cursor = page.nextCursor;
      } while (cursor !== null);
      return n;
    };
    for (const viewer of [admin, m!, student]) {
      // (mentorsOverCapacity against its filter: capacity.test.ts)
      const { needsPrimary, noMentors } = await api(viewer).worklets.coverage();
      expect({ viewer: viewer.role, needsPrimary, noMentors }).toEqual({
        viewer: viewer.role,
        needsPrimary: await total(viewer, 'needs_primary'),
        noMentors: await total(viewer, 'no_mentors'),
      });
    }
    expect((await api().worklets.coverage()).needsPrimary).toBeGreaterThanOrEqual(4);
  });
});

describe('issue 11 finding 9: __proto__, constructor and prototype keys are refused like any unknown key', () => {
  it('through createCaller (JSON input with own keys)', async () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const input = JSON.parse(`{"title":"Polluted","idempotencyKey":"${f.key()}","${key}":{"isAdmin":true}}`);
      const error = await rejectsWithoutWriting(f, () => api().worklets.create(input), 'BAD_REQUEST');
      expect(JSON.stringify(fieldErrors(error)) + error.cause!.message).toContain(key);
      const nested = JSON.parse(
        `{"workletId":1,"expectedVersion":1,"mentors":[{"mentorId":1,"role":"Primary","${key}":{}}]}`,
      );
      await rejectsWithoutWriting(f, () => api().assignments.setMentors(nested), 'BAD_REQUEST');
    }
  });

  it('through HTTP with superjson, which would drop __proto__ before the schema sees it', async () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const before = await f.snapshot();
      const res = await fetch(`${server.url}/worklets.create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user': 'admin' },
        body: `{"json":{"title":"Polluted","idempotencyKey":"${f.key()}","nested":{"${key}":{"isAdmin":true}}}}`,
      });
      expect(`${key}: ${res.status}`).toBe(`${key}: 400`);
      const top = await fetch(`${server.url}/worklets.create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user': 'admin' },
        body: `{"json":{"title":"Polluted","idempotencyKey":"${f.key()}","${key}":{"isAdmin":true}}}`,
      });
      const body = (await top.json()) as { error: { json: { data: { code: string; zodError: unknown } } } };
      expect(`${key}: ${top.status}`).toBe(`${key}: 400`);
      expect(body.error.json.data.code).toBe('BAD_REQUEST');
      expect(JSON.stringify(body.error.json.data.zodError)).toContain(key);
      expect(await f.snapshot()).toEqual(before);
    }
  });
});

describe('security finding 9 (NUL bytes): BAD_REQUEST, not 500, for a NUL byte in any string input', () => {
  it('searches, titles, descriptions, names and emails', async () => {
    const w = await f.worklet();
    const calls: [string, () => Promise<unknown>][] = [
      ['worklets.list', () => api().worklets.list({ search: 'a\u0000b' })],
      ['mentors.search', () => api().mentors.search({ query: 'a\u0000b' })],
      ['mentors.list', () => api().mentors.list({ search: 'a\u0000b' })],
      ['users.list', () => api().users.list({ search: 'a\u0000b' })],
      ['worklets.create', () => api().worklets.create({ idempotencyKey: f.key(), title: 'Nul\u0000title' })],
      ['worklets.update', () => api().worklets.update({ id: w.id, expectedVersion: 1, description: 'x\u0000' })],
      [
        'users.create',
        () =>
          api().users.create({ idempotencyKey: f.key(), email: 'nul@example.test', name: 'N\u0000', role: 'student' }),
      ],
      ['users.update', () => api().users.update({ id: admin.id, email: 'a\u0000@example.test' })],
    ];
    for (const [path, call] of calls) {
      const error = await rejectsWithoutWriting(f, call, 'BAD_REQUEST');
      expect(`${path}: ${JSON.stringify(fieldErrors(error))}`).toMatch(/NUL/);
    }
    const http = await fetch(
      `${server.url}/worklets.list?input=${encodeURIComponent(JSON.stringify({ json: { search: 'a\u0000b' } }))}`,
      { headers: { 'x-user': 'admin' } },
    );
    expect(http.status).toBe(400);
  });
});

describe('security finding 13: at least one active admin always remains', () => {
  it('two admins demoting each other at the same moment: exactly one succeeds, one admin remains', async () => {
    for (let round = 0; round < 3; round++) {
      await f.db.pool.query(`UPDATE users SET role = 'student' WHERE role = 'admin'`);
      const [x, y] = [await f.user('admin'), await f.user('admin')];
      const results = await Promise.allSettled([
        api(x).users.update({ id: y.id, role: 'mentor' }),
        api(y).users.update({ id: x.id, role: 'mentor' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(['CONFLICT', 'FORBIDDEN']).toContain((refused.reason as { code: string }).code);
      expect(await f.db.prisma.user.count({ where: { role: 'admin', isActive: true } })).toBe(1);
    }
  });

  it('two admins deactivating each other at the same moment: exactly one succeeds, one admin remains', async () => {
    for (let round = 0; round < 3; round++) {
      await f.db.pool.query(`UPDATE users SET role = 'student' WHERE role = 'admin'`);
      const [x, y] = [await f.user('admin'), await f.user('admin')];
      const results = await Promise.allSettled([
        api(x).users.setActive({ id: y.id, isActive: false }),
        api(y).users.setActive({ id: x.id, isActive: false }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await f.db.prisma.user.count({ where: { role: 'admin', isActive: true } })).toBe(1);
    }
  });

  it('an admin demoted or deactivated meanwhile can no longer demote anyone (FORBIDDEN, nothing written), and nobody can remove themselves', async () => {
    await f.db.pool.query(`UPDATE users SET role = 'student' WHERE role = 'admin'`);
    const [x, y] = [await f.user('admin'), await f.user('admin')];
    await api(y).users.setActive({ id: x.id, isActive: false });
    // x's session still says admin; the transaction checks the database.
    await rejectsWithoutWriting(f, () => api(x).users.update({ id: y.id, role: 'mentor' }), 'FORBIDDEN');
    await rejectsWithoutWriting(
      f,
      () => api(y).users.setActive({ id: y.id, isActive: false }),
      'BAD_REQUEST',
      /yourself/,
    );
    await rejectsWithoutWriting(f, () => api(y).users.update({ id: y.id, role: 'mentor' }), 'BAD_REQUEST', /your own/);
    expect(await f.db.prisma.user.count({ where: { role: 'admin', isActive: true } })).toBe(1);
  });
});
