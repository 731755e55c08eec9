/**
 * Object-level access: what a signed-in user may see and touch among the objects they can
 * name. A mentor sees only the worklets they actively mentor and their own history; nobody
 * but an admin writes, whatever ids they guess; students see published worklets only.
 * Inputs are strict: keys the server owns (who assigned, active flags, actors) are refused.
 */
import type { SessionUser } from '@worklets/api';
import { createTestDatabase, type TestDatabase } from '@worklets/db/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { callPath, caught, isInputError, procedures, world } from './api-world.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let db: TestDatabase;
let w: ReturnType<typeof world>;
let admin: SessionUser;
let mentor: SessionUser;
let otherMentor: SessionUser;
let student: SessionUser;
/** Worklets: mine (mentor Primary), theirs (otherMentor Primary), shared (both), left (mentor was deactivated on it). */
const wk = {} as Record<
  'mine' | 'theirs' | 'shared' | 'left' | 'draft' | 'active' | 'completed' | 'archived',
  { id: number; title: string; status: string }
>;
let theirAssignment: number;
let theirInactiveAssignment: number;
/** The batch (save) that deactivated `theirInactiveAssignment`. */
let theirBatch: number;

beforeAll(async () => {
  db = await createTestDatabase();
  w = world(db);
  admin = await w.user('admin');
  mentor = await w.user('mentor', 'Mentor Mine');
  otherMentor = await w.user('mentor', 'Mentor Theirs');
  student = await w.user('student');
  wk.mine = await w.worklet('active', 'Mine');
  wk.theirs = await w.worklet('active', 'Theirs');
  wk.shared = await w.worklet('active', 'Shared');
  wk.left = await w.worklet('active', 'Left');
  await w.assign(admin, wk.mine.id, mentor.id, 'Primary');
  theirAssignment = await w.assign(admin, wk.theirs.id, otherMentor.id, 'Primary');
  theirInactiveAssignment = await w.assign(admin, wk.theirs.id, (await w.user('mentor')).id, 'Secondary');
  theirBatch = (await w.callerFor(admin).assignments.deactivate({ assignmentId: theirInactiveAssignment })).batchId!;
  await w.assign(admin, wk.shared.id, otherMentor.id, 'Primary');
  await w.assign(admin, wk.shared.id, mentor.id, 'Secondary');
  const leftAssignment = await w.assign(admin, wk.left.id, mentor.id, 'Primary');
  await w.callerFor(admin).assignments.deactivate({ assignmentId: leftAssignment });
  for (const status of ['draft', 'active', 'completed', 'archived'] as const)
    wk[status] = await w.worklet(status, `Status ${status}`);
});

afterAll(async () => {
  await db?.close();
});

describe("a mentor and another mentor's objects", () => {
  it("cannot read another mentor's worklet, its mentors or its history (NOT_FOUND, as if it did not exist)", async () => {
    const api = w.callerFor(mentor);
    for (const workletId of [wk.theirs.id, wk.left.id, wk.active.id]) {
      expect((await caught(api.worklets.byId({ workletId }))).code).toBe('NOT_FOUND');
      expect((await caught(api.assignments.workletMentors({ workletId }))).code).toBe('NOT_FOUND');
      expect((await caught(api.history.forWorklet({ workletId }))).code).toBe('NOT_FOUND');
    }
    // The same answer as for an id that does not exist: no probing for existence.
    const missing = await caught(api.worklets.byId({ workletId: 2_000_000_000 }));
    expect(missing.code).toBe('NOT_FOUND');
    expect((await caught(api.worklets.byId({ workletId: wk.theirs.id }))).message).toBe(missing.message);
  });

  it('reads their own worklets, including one shared with another mentor', async () => {
    const api = w.callerFor(mentor);
    expect((await api.worklets.byId({ workletId: wk.mine.id })).title).toBe('Mine');
    const shared = await api.assignments.workletMentors({ workletId: wk.shared.id });
    expect(shared.map((m) => m.mentorId).sort()).toEqual([mentor.id, otherMentor.id].sort());
    const history = await api.history.forWorklet({ workletId: wk.mine.id });
    expect(history.items.length).toBeGreaterThan(0);
    expect(history.items.every((e) => e.workletId === wk.mine.id)).toBe(true);
  });

  it("cannot list another mentor's worklets or read their history (FORBIDDEN), but can their own", async () => {
    const api = w.callerFor(mentor);
    expect((await caught(api.assignments.mentorWorklets({ mentorId: otherMentor.id }))).code).toBe('FORBIDDEN');
    expect((await caught(api.history.forMentor({ mentorId: otherMentor.id }))).code).toBe('FORBIDDEN');
    expect((await caught(api.assignments.mentorWorklets({ mentorId: admin.id }))).code).toBe('FORBIDDEN');
    const own = await api.assignments.mentorWorklets({ mentorId: mentor.id });
    expect(own.map((a) => a.workletId).sort()).toEqual([wk.mine.id, wk.shared.id].sort());
    const history = await api.history.forMentor({ mentorId: mentor.id });
    expect(history.items.length).toBeGreaterThan(0);
    expect(history.items.every((e) => e.mentorId === mentor.id)).toBe(true);
  });

  it('sees in worklets.list only worklets they actively mentor, whatever the filters', async () => {
    const api = w.callerFor(mentor);
    const all = await api.worklets.list({ limit: 100 });
    expect(all.items.map((i) => i.id).sort()).toEqual([wk.mine.id, wk.shared.id].sort());
    for (const item of all.items) expect(item.mentors.some((m) => m.mentorId === mentor.id)).toBe(true);
    // Filtering by the other mentor does not widen the scope: only the shared worklet.
    const byOther = await api.worklets.list({ mentorId: otherMentor.id, limit: 100 });
    expect(byOther.items.map((i) => i.id)).toEqual([wk.shared.id]);
    for (const coverage of ['all', 'needs_primary', 'no_mentors'] as const) {
      const page = await api.worklets.list({ coverage, limit: 100 });
      for (const item of page.items) expect(item.mentors.some((m) => m.mentorId === mentor.id)).toBe(true);
    }
    // The coverage badges count only their worklets too (both have a Primary).
    // (Mentors over capacity is for admins only: null.)
    expect(await api.worklets.coverage()).toEqual({ needsPrimary: 0, noMentors: 0, mentorsOverCapacity: null });
    expect((await w.callerFor(admin).worklets.coverage()).noMentors).toBeGreaterThan(0);
  });

  it('cannot write anything by guessing ids (FORBIDDEN) and nothing is written', async () => {
    // Inputs aimed at the other mentor's worklet, assignments and account: valid, and an
    // admin could run them. Every mutation of the router must be listed.
    const guesses: Record<string, unknown> = {
      'worklets.create': { title: 'Sneaky worklet', idempotencyKey: '6f1c1a8e-3c1b-4d2e-9f00-000000000001' },
      'worklets.update': { id: wk.theirs.id, expectedVersion: 1, title: 'Hijacked' },
      'worklets.delete': { workletId: wk.theirs.id },
      'worklets.archive': { workletId: wk.theirs.id },
      'assignments.assign': { workletId: wk.theirs.id, mentorId: mentor.id, role: 'Primary', replacePrimary: true },
      'assignments.setMentors': {
        workletId: wk.theirs.id,
        expectedVersion: 1,
        mentors: [{ mentorId: mentor.id, role: 'Primary' }],
      },
      'assignments.changeRole': { assignmentId: theirAssignment, role: 'Collaborator' },
      'assignments.deactivate': { assignmentId: theirAssignment },
      'assignments.reactivate': { assignmentId: theirInactiveAssignment },
      'users.create': {
        email: 'sneaky@example.test',
        name: 'Sneaky',
        role: 'admin',
        idempotencyKey: '6f1c1a8e-3c1b-4d2e-9f00-000000000002',
      },
      'users.update': { id: mentor.id, role: 'admin' },
      'users.setActive': { id: otherMentor.id, isActive: false },
      'batches.undo': { batchId: theirBatch },
      'batches.bulk': { target: { ids: [wk.theirs.id] }, action: { kind: 'setStatus', status: 'archived' } },
      'apiTokens.create': { name: 'Sneaky service', scope: 'read_write', expiresInDays: 365 },
      'apiTokens.revoke': { id: 1 },
      'mentors.setCapacity': { mentorId: mentor.id, capacity: 100 },
      'settings.update': { defaultMentorCapacity: 100 },
      'mail.retryNow': { id: 1 },
      'accounts.resendInvitation': { id: otherMentor.id },
      'accounts.resetPassword': { id: otherMentor.id },
    };
    // These act on the caller's own settings and account only: no id to aim at someone else's
    // (another user's session is NOT_FOUND: accounts tests).
    const ownOnly = [
      'users.setNotifications',
      'accounts.changePassword',
      'accounts.endSession',
      'accounts.endOtherSessions',
    ];
    const mutations = [...procedures()]
      .filter(([path, type]) => type === 'mutation' && !ownOnly.includes(path))
      .map(([path]) => path)
      .sort();
    expect(Object.keys(guesses).sort()).toEqual(mutations);

    const before = await w.snapshot();
    for (const user of [mentor, student]) {
      const api = w.callerFor(user);
      for (const [path, input] of Object.entries(guesses)) {
        const error = await caught(callPath(api, path, input));
        expect(`${user.role} ${path}: ${error.code}`).toBe(`${user.role} ${path}: FORBIDDEN`);
      }
    }
    expect(await w.snapshot()).toEqual(before);

    // The same inputs are accepted from an admin (the refusals above were about who asks).
    await expect(
      w.callerFor(admin).worklets.update({
        id: wk.theirs.id,
        expectedVersion: (await db.prisma.worklet.findUniqueOrThrow({ where: { id: wk.theirs.id } })).version,
        description: 'admin was here',
      }),
    ).resolves.toMatchObject({ id: wk.theirs.id });
  });
});

describe('a student', () => {
  it('sees only active and completed worklets', async () => {
    const api = w.callerFor(student);
    const list = await api.worklets.list({ limit: 100 });
    expect(list.items.length).toBeGreaterThan(0);
    expect(new Set(list.items.map((i) => i.status))).toEqual(new Set(['active', 'completed']));
    expect(list.items.map((i) => i.id)).toContain(wk.active.id);
    expect(list.items.map((i) => i.id)).toContain(wk.completed.id);
    for (const status of ['draft', 'archived'] as const)
      expect(list.items.map((i) => i.id)).not.toContain(wk[status].id);
    // The admin sees all four statuses (the scope, not the data, hides them).
    const everything = await w.callerFor(admin).worklets.list({ limit: 100 });
    expect(new Set(everything.items.map((i) => i.status))).toEqual(
      new Set(['draft', 'active', 'completed', 'archived']),
    );
  });

  it('cannot open a draft or archived worklet, or list its mentors (NOT_FOUND)', async () => {
    const api = w.callerFor(student);
    for (const status of ['draft', 'archived'] as const) {
      expect((await caught(api.worklets.byId({ workletId: wk[status].id }))).code).toBe('NOT_FOUND');
      expect((await caught(api.assignments.workletMentors({ workletId: wk[status].id }))).code).toBe('NOT_FOUND');
      expect(await api.worklets.list({ status, limit: 100 })).toEqual({ items: [], nextCursor: null });
    }
    expect((await api.worklets.byId({ workletId: wk.completed.id })).status).toBe('completed');
  });
});

describe('mass assignment', () => {
  const serverOwned = { assignedBy: 0, isActive: false, actorId: 0 };

  it('assignments.assign refuses assignedBy / isActive / actorId in its input and writes nothing', async () => {
    const worklet = await w.worklet('active');
    const before = await w.snapshot();
    const api = w.callerFor(admin);
    const extras = { assignedBy: otherMentor.id, isActive: false, actorId: otherMentor.id };
    for (const [key, value] of Object.entries(extras)) {
      const error = await caught(
        api.assignments.assign({ workletId: worklet.id, mentorId: mentor.id, role: 'Primary', [key]: value } as never),
      );
      expect(error.code).toBe('BAD_REQUEST');
      expect(isInputError(error)).toBe(true);
    }
    const all = await caught(
      api.assignments.assign({ workletId: worklet.id, mentorId: mentor.id, ...extras } as never),
    );
    expect(isInputError(all)).toBe(true);
    expect(await w.snapshot()).toEqual(before);

    // Without them, who assigned comes from the signed-in admin.
    await api.assignments.assign({ workletId: worklet.id, mentorId: mentor.id });
    const row = await db.prisma.mentorWorkletAssignment.findFirstOrThrow({ where: { workletId: worklet.id } });
    expect(row).toMatchObject({ assignedById: admin.id, isActive: true, mentorId: mentor.id });
    const event = await db.prisma.assignmentEvent.findFirstOrThrow({ where: { workletId: worklet.id } });
    expect(event).toMatchObject({ actorId: admin.id, actorName: admin.name });
  });

  it('users.create refuses isActive / assignedBy / actorId and writes nothing', async () => {
    const api = w.callerFor(admin);
    const email = `mass.${w.unique()}@example.test`;
    const before = await w.snapshot();
    for (const [key, value] of Object.entries(serverOwned)) {
      const error = await caught(
        api.users.create({ email, name: 'Mass Assigned', role: 'student', [key]: value } as never),
      );
      expect(error.code).toBe('BAD_REQUEST');
      expect(isInputError(error)).toBe(true);
    }
    for (const extra of [{ id: 1 }, { emailVerified: true }, { ...serverOwned }]) {
      expect(
        isInputError(
          await caught(api.users.create({ email, name: 'Mass Assigned', role: 'student', ...extra } as never)),
        ),
      ).toBe(true);
    }
    expect(await w.snapshot()).toEqual(before);
    expect(await db.prisma.user.findUnique({ where: { email } })).toBeNull();
  });

  it('users.update and users.setActive refuse keys they do not own', async () => {
    const api = w.callerFor(admin);
    const before = await w.snapshot();
    expect(isInputError(await caught(api.users.update({ id: student.id, isActive: false } as never)))).toBe(true);
    expect(isInputError(await caught(api.users.update({ id: student.id, actorId: admin.id } as never)))).toBe(true);
    expect(
      isInputError(await caught(api.users.setActive({ id: student.id, isActive: false, role: 'admin' } as never))),
    ).toBe(true);
    expect(await w.snapshot()).toEqual(before);
  });
});
