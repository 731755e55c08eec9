/**
 * Every assignment procedure through the router (createCaller): the happy paths, every
 * domain error, and for every rejected write the proof that nothing was written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SessionUser } from '../src/context.ts';
import type { RouterInputs } from '../src/root.ts';
import { type ApiFixture, createApiFixture } from './api-fixture.ts';
import { caught, conflictingPrimary, fieldErrors, rejectsWithoutWriting, untyped } from './helpers.ts';

type Inputs = RouterInputs['assignments'];

let f: ApiFixture;
let admin: SessionUser;
let admin2: SessionUser;
let student: SessionUser;
let outsider: SessionUser;

beforeAll(async () => {
  f = await createApiFixture();
  admin = await f.user('admin', { name: 'Ada Admin' });
  admin2 = await f.user('admin', { name: 'Bea Admin' });
  student = await f.user('student');
  outsider = await f.user('mentor');
});
afterAll(async () => {
  await f?.close();
});

const as = (user: SessionUser | null) => f.callerFor(user).assignments;

async function mentors(count: number, prefix = 'Mentor'): Promise<SessionUser[]> {
  const made: SessionUser[] = [];
  for (let i = 0; i < count; i++)
    made.push(await f.user('mentor', { name: `${prefix} ${String.fromCharCode(65 + i)} ${f.unique()}` }));
  return made;
}

async function lastEventId(): Promise<number> {
  const last = await f.db.prisma.assignmentEvent.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
  return last?.id ?? 0;
}

/** The events written since `mark`, in the shape the assertions compare. */
async function eventsSince(mark: number) {
  const rows = await f.events({ afterId: mark });
  return rows.map((e) => ({
    type: e.type,
    mentorId: e.mentorId,
    oldRole: e.oldRole,
    newRole: e.newRole,
    actorId: e.actorId,
    actorName: e.actorName,
    workletId: e.workletId,
    assignmentId: e.assignmentId,
  }));
}

async function expectLegacy(workletId: number, mentorId: number | null) {
  expect(await f.legacyMentorId(workletId)).toBe(mentorId);
  expect(await f.legacyViolations()).toEqual([]);
}

async function row(assignmentId: number) {
  return f.db.prisma.mentorWorkletAssignment.findUniqueOrThrow({ where: { id: assignmentId } });
}

async function assignmentId(workletId: number, mentorId: number): Promise<number> {
  const found = await f.db.prisma.mentorWorkletAssignment.findUniqueOrThrow({
    where: { mentorId_workletId: { mentorId, workletId } },
    select: { id: true },
  });
  return found.id;
}

describe('assignments.workletMentors', () => {
  it('lists active mentors only, Primary first, then Secondary, then Collaborator, oldest first within a role', async () => {
    const w = await f.worklet();
    const [s1, c1, s2, p, gone] = await mentors(5);
    const api = as(admin);
    await api.assign({ workletId: w.id, mentorId: s1!.id, role: 'Secondary' });
    await api.assign({ workletId: w.id, mentorId: c1!.id, role: 'Collaborator' });
    await api.assign({ workletId: w.id, mentorId: s2!.id, role: 'Secondary' });
    await api.assign({ workletId: w.id, mentorId: gone!.id, role: 'Secondary' });
    await api.assign({ workletId: w.id, mentorId: p!.id, role: 'Primary' });
    await api.deactivate({ assignmentId: await assignmentId(w.id, gone!.id) });

    const list = await api.workletMentors({ workletId: w.id });
    expect(list.map((m) => [m.mentorId, m.role])).toEqual([
      [p!.id, 'Primary'],
      [s1!.id, 'Secondary'],
      [s2!.id, 'Secondary'],
      [c1!.id, 'Collaborator'],
    ]);
    expect(list[0]).toEqual({
      assignmentId: await assignmentId(w.id, p!.id),
      mentorId: p!.id,
      name: p!.name,
      email: p!.email,
      role: 'Primary',
      assignedAt: expect.any(Date),
    });
  });

  it('is scoped: a mentor sees the worklets they mentor, students published ones; others are NOT_FOUND', async () => {
    const draft = await f.worklet({ status: 'draft' });
    const published = await f.worklet({ status: 'active' });
    const [m] = await mentors(1);
    await as(admin).assign({ workletId: draft.id, mentorId: m!.id });
    expect((await as(m!).workletMentors({ workletId: draft.id })).map((x) => x.mentorId)).toEqual([m!.id]);
    expect((await caught(as(outsider).workletMentors({ workletId: draft.id }))).code).toBe('NOT_FOUND');
    expect((await caught(as(student).workletMentors({ workletId: draft.id }))).code).toBe('NOT_FOUND');
    expect(await as(student).workletMentors({ workletId: published.id })).toEqual([]);
    expect((await caught(as(null).workletMentors({ workletId: draft.id }))).code).toBe('UNAUTHORIZED');
  });

  it('NOT_FOUND for an unknown worklet, BAD_REQUEST for bad input', async () => {
    expect((await caught(as(admin).workletMentors({ workletId: 2_000_000_000 }))).code).toBe('NOT_FOUND');
    expect((await caught(as(admin).workletMentors({ workletId: 0 }))).code).toBe('BAD_REQUEST');
    expect(
      (await caught(as(admin).workletMentors(untyped<Inputs['workletMentors']>({ workletId: 1, isActive: false }))))
        .code,
    ).toBe('BAD_REQUEST');
  });
});

describe('assignments.mentorWorklets', () => {
  it("lists a mentor's active worklets with their role, by role then newest worklet", async () => {
    const [m] = await mentors(1);
    const [w1, w2, w3, w4] = [
      await f.worklet(),
      await f.worklet(),
      await f.worklet({ status: 'completed' }),
      await f.worklet(),
    ];
    const api = as(admin);
    await api.assign({ workletId: w1.id, mentorId: m!.id, role: 'Secondary' });
    await api.assign({ workletId: w2.id, mentorId: m!.id, role: 'Primary' });
    await api.assign({ workletId: w3.id, mentorId: m!.id, role: 'Secondary' });
    await api.assign({ workletId: w4.id, mentorId: m!.id, role: 'Collaborator' });
    await api.deactivate({ assignmentId: await assignmentId(w4.id, m!.id) });

    const list = await api.mentorWorklets({ mentorId: m!.id });
    expect(list.map((x) => [x.workletId, x.role])).toEqual([
      [w2.id, 'Primary'],
      [w3.id, 'Secondary'],
      [w1.id, 'Secondary'],
    ]);
    expect(list[1]).toEqual({
      assignmentId: await assignmentId(w3.id, m!.id),
      role: 'Secondary',
      assignedAt: expect.any(Date),
      workletId: w3.id,
      title: w3.title,
      status: 'completed',
    });
    // A mentor may read their own list.
    expect(await as(m!).mentorWorklets({ mentorId: m!.id })).toEqual(list);
  });

  it("refuses other people's lists to mentors and students, and unknown mentors", async () => {
    const [m] = await mentors(1);
    expect((await caught(as(outsider).mentorWorklets({ mentorId: m!.id }))).code).toBe('FORBIDDEN');
    expect((await caught(as(student).mentorWorklets({ mentorId: m!.id }))).code).toBe('FORBIDDEN');
    expect((await caught(as(null).mentorWorklets({ mentorId: m!.id }))).code).toBe('UNAUTHORIZED');
    expect((await caught(as(admin).mentorWorklets({ mentorId: 2_000_000_000 }))).code).toBe('NOT_FOUND');
    expect(
      (await caught(as(admin).mentorWorklets(untyped<Inputs['mentorWorklets']>({ mentorId: m!.id, role: 'Primary' }))))
        .code,
    ).toBe('BAD_REQUEST');
  });
});

describe('assignments.assign', () => {
  it('makes the first mentor Primary and the next ones Secondary by default, recording the caller', async () => {
    const w = await f.worklet();
    const [a, b, c] = await mentors(3);
    const mark = await lastEventId();

    const r1 = await as(admin).assign({ workletId: w.id, mentorId: a!.id });
    expect(r1).toMatchObject({ workletId: w.id, changes: 1 });
    expect(r1.mentors.map((m) => [m.mentorId, m.role])).toEqual([[a!.id, 'Primary']]);
    await expectLegacy(w.id, a!.id);

    const r2 = await as(admin2).assign({ workletId: w.id, mentorId: b!.id });
    expect(r2.mentors.map((m) => [m.mentorId, m.role])).toEqual([
      [a!.id, 'Primary'],
      [b!.id, 'Secondary'],
    ]);
    const r3 = await as(admin).assign({ workletId: w.id, mentorId: c!.id, role: 'Collaborator' });
    expect(r3.mentors.map((m) => [m.mentorId, m.role])).toEqual([
      [a!.id, 'Primary'],
      [b!.id, 'Secondary'],
      [c!.id, 'Collaborator'],
    ]);
    await expectLegacy(w.id, a!.id);

    const rows = await f.assignments(w.id);
    expect(rows.map((r) => [r.mentorId, r.roleType, r.isActive, r.assignedById])).toEqual([
      [a!.id, 'Primary', true, admin.id],
      [b!.id, 'Secondary', true, admin2.id],
      [c!.id, 'Collaborator', true, admin.id],
    ]);
    expect(await eventsSince(mark)).toEqual([
      {
        type: 'assigned',
        mentorId: a!.id,
        oldRole: null,
        newRole: 'Primary',
        actorId: admin.id,
        actorName: admin.name,
        workletId: w.id,
        assignmentId: rows[0]!.id,
      },
      {
        type: 'assigned',
        mentorId: b!.id,
        oldRole: null,
        newRole: 'Secondary',
        actorId: admin2.id,
        actorName: admin2.name,
        workletId: w.id,
        assignmentId: rows[1]!.id,
      },
      {
        type: 'assigned',
        mentorId: c!.id,
        oldRole: null,
        newRole: 'Collaborator',
        actorId: admin.id,
        actorName: admin.name,
        workletId: w.id,
        assignmentId: rows[2]!.id,
      },
    ]);
    // The event keeps a snapshot of who the mentor was.
    const [first] = await f.events({ afterId: mark });
    expect(first).toMatchObject({ mentorName: a!.name, mentorEmail: a!.email });
  });

  it('defaults to Primary when the worklet only has Secondaries and Collaborators', async () => {
    const w = await f.worklet();
    const [a, b] = await mentors(2);
    await as(admin).assign({ workletId: w.id, mentorId: a!.id, role: 'Secondary' });
    await expectLegacy(w.id, null);
    const r = await as(admin).assign({ workletId: w.id, mentorId: b!.id });
    expect(r.mentors.map((m) => [m.mentorId, m.role])).toEqual([
      [b!.id, 'Primary'],
      [a!.id, 'Secondary'],
    ]);
    await expectLegacy(w.id, b!.id);
  });

  it('can staff draft and completed worklets (only archived ones are closed)', async () => {
    const [a] = await mentors(1);
    for (const status of ['draft', 'completed'] as const) {
      const w = await f.worklet({ status });
      const r = await as(admin).assign({ workletId: w.id, mentorId: a!.id });
      expect(r.mentors.map((m) => m.role)).toEqual(['Primary']);
      await expectLegacy(w.id, a!.id);
    }
  });

  it('reactivates an inactive pair: the same row, a new assigner, the history kept', async () => {
    const w = await f.worklet();
    const [a, b] = await mentors(2);
    await as(admin).assign({ workletId: w.id, mentorId: a!.id });
    const id = await assignmentId(w.id, a!.id);
    const before = await row(id);
    await as(admin).deactivate({ assignmentId: id });
    await expectLegacy(w.id, null);
    await as(admin).assign({ workletId: w.id, mentorId: b!.id, role: 'Primary' });
    await new Promise((resolve) => setTimeout(resolve, 5));

    const mark = await lastEventId();
    const r = await as(admin2).assign({ workletId: w.id, mentorId: a!.id });
    expect(r.changes).toBe(1);
    // b is Primary now, so a comes back as Secondary.
    expect(r.mentors.map((m) => [m.assignmentId, m.role])).toEqual([
      [await assignmentId(w.id, b!.id), 'Primary'],
      [id, 'Secondary'],
    ]);
    const after = await row(id);
    expect(after).toMatchObject({ id, isActive: true, roleType: 'Secondary', assignedById: admin2.id });
    expect(after.assignedAt.getTime()).toBeGreaterThan(before.assignedAt.getTime());
    expect(await f.db.prisma.mentorWorkletAssignment.count({ where: { workletId: w.id, mentorId: a!.id } })).toBe(1);
    expect(await eventsSince(mark)).toEqual([
      {
        type: 'reactivated',
        mentorId: a!.id,
        oldRole: null,
        newRole: 'Secondary',
        actorId: admin2.id,
        actorName: admin2.name,
        workletId: w.id,
        assignmentId: id,
      },
    ]);
    expect((await f.events({ workletId: w.id, mentorId: a!.id })).map((e) => e.type)).toEqual([
      'assigned',
      'deactivated',
      'reactivated',
    ]);
    await expectLegacy(w.id, b!.id);
  });

  it('reactivates as Primary by default when the worklet has no Primary', async () => {
    const w = await f.worklet();
    const [a] = await mentors(1);
    await as(admin).assign({ workletId: w.id, mentorId: a!.id, role: 'Collaborator' });
    const id = await assignmentId(w.id, a!.id);
    await as(admin).deactivate({ assignmentId: id });
    const r = await as(admin).assign({ workletId: w.id, mentorId: a!.id });
    expect(r.mentors).toMatchObject([{ assignmentId: id, role: 'Primary' }]);
    await expectLegacy(w.id, a!.id);
  });

  it('CONFLICT when the pair is already active, whatever the role asked', async () => {
    const w = await f.worklet();
    const [a] = await mentors(1);
    await as(admin).assign({ workletId: w.id, mentorId: a!.id });
    await rejectsWithoutWriting(f, () => as(admin).assign({ workletId: w.id, mentorId: a!.id }), 'CONFLICT', a!.name);
    await rejectsWithoutWriting(
      f,
      () => as(admin).assign({ workletId: w.id, mentorId: a!.id, role: 'Secondary' }),
      'CONFLICT',
    );
    await rejectsWithoutWriting(
      f,
      () => as(admin).assign({ workletId: w.id, mentorId: a!.id, role: 'Primary', replacePrimary: true }),
      'CONFLICT',
    );
  });

  it('CONFLICT naming the current Primary when another Primary is asked for', async () => {
    const w = await f.worklet();
    const [a, b] = await mentors(2);
    await as(admin).assign({ workletId: w.id, mentorId: a!.id });
    const error = await rejectsWithoutWriting(
      f,
      () => as(admin).assign({ workletId: w.id, mentorId: b!.id, role: 'Primary' }),
      'CONFLICT',
      a!.name,
    );
    expect(conflictingPrimary(error)).toEqual({ id: a!.id, name: a!.name });
    // replacePrimary: false said explicitly is the same.
    await rejectsWithoutWriting(
      f,
      () => as(admin).assign({ workletId: w.id, mentorId: b!.id, role: 'Primary', replacePrimary: false }),
      'CONFLICT',
      a!.name,
    );
    // An inactive pair asked back as Primary is refused the same way.
    await as(admin).assign({ workletId: w.id, mentorId: b!.id });
    await as(admin).deactivate({ assignmentId: await assignmentId(w.id, b!.id) });
    const again = await rejectsWithoutWriting(
      f,
      () => as(admin).assign({ workletId: w.id, mentorId: b!.id, role: 'Primary' }),
      'CONFLICT',
    );
    expect(conflictingPrimary(again)?.id).toBe(a!.id);
    await expectLegacy(w.id, a!.id);
  });

  it('replacePrimary demotes the old Primary to Secondary in the same write', async () => {
    const w = await f.worklet();
    const [a, b] = await mentors(2);
    await as(admin).assign({ workletId: w.id, mentorId: a!.id });
    const mark = await lastEventId();
    const r = await as(admin2).assign({ workletId: w.id, mentorId: b!.id, role: 'Primary', replacePrimary: true });
    expect(r.changes).toBe(2);
    expect(r.mentors.map((m) => [m.mentorId, m.role])).toEqual([
      [b!.id, 'Primary'],
      [a!.id, 'Secondary'],
    ]);
    const [aId, bId] = [await assignmentId(w.id, a!.id), await assignmentId(w.id, b!.id)];
    expect(await eventsSince(mark)).toEqual([
      {
        type: 'role_changed',
        mentorId: a!.id,
        oldRole: 'Primary',
        newRole: 'Secondary',
        actorId: admin2.id,
        actorName: admin2.name,
        workletId: w.id,
        assignmentId: aId,
      },
      {
        type: 'assigned',
        mentorId: b!.id,
        oldRole: null,
        newRole: 'Primary',
        actorId: admin2.id,
        actorName: admin2.name,
        workletId: w.id,
        assignmentId: bId,
      },
    ]);
    // The demoted row keeps who assigned it; the new one records the caller.
    expect((await row(aId)).assignedById).toBe(admin.id);
    expect((await row(bId)).assignedById).toBe(admin2.id);
    await expectLegacy(w.id, b!.id);
  });

  it('replacePrimary without a current Primary, or for a non-Primary role, changes nobody else', async () => {
    const w = await f.worklet();
    const [a, b, c] = await mentors(3);
    const r1 = await as(admin).assign({ workletId: w.id, mentorId: a!.id, role: 'Primary', replacePrimary: true });
    expect(r1.changes).toBe(1);
    const r2 = await as(admin).assign({ workletId: w.id, mentorId: b!.id, role: 'Secondary', replacePrimary: true });
    expect(r2.changes).toBe(1);
    const r3 = await as(admin).assign({ workletId: w.id, mentorId: c!.id, replacePrimary: true });
    expect(r3.changes).toBe(1);
    expect(r3.mentors.map((m) => [m.mentorId, m.role])).toEqual([
      [a!.id, 'Primary'],
      [b!.id, 'Secondary'],
      [c!.id, 'Secondary'],
    ]);
    await expectLegacy(w.id, a!.id);
  });

  it('BAD_REQUEST for users who are not active mentors', async () => {
    const w = await f.worklet();
    const inactive = await f.user('mentor', { name: 'Ina Inactive', isActive: false });
    const pupil = await f.user('student', { name: 'Stu Student' });
    await rejectsWithoutWriting(
      f,
      () => as(admin).assign({ workletId: w.id, mentorId: inactive.id }),
      'BAD_REQUEST',
      /deactivated/,
    );
    await rejectsWithoutWriting(
      f,
      () => as(admin).assign({ workletId: w.id, mentorId: pupil.id }),
      'BAD_REQUEST',
      /not a mentor/,
    );
    await rejectsWithoutWriting(
      f,
      () => as(admin).assign({ workletId: w.id, mentorId: admin2.id, role: 'Secondary' }),
      'BAD_REQUEST',
      /not a mentor/,
    );
    // A mentor who was deactivated after leaving cannot come back through an old row either.
    const [m] = await mentors(1);
    await as(admin).assign({ workletId: w.id, mentorId: m!.id });
    await as(admin).deactivate({ assignmentId: await assignmentId(w.id, m!.id) });
    await f.db.prisma.user.update({ where: { id: m!.id }, data: { isActive: false } });
    await rejectsWithoutWriting(f, () => as(admin).assign({ workletId: w.id, mentorId: m!.id }), 'BAD_REQUEST');
  });

  it('NOT_FOUND for an unknown worklet or mentor', async () => {
    const w = await f.worklet();
    const [a] = await mentors(1);
    await rejectsWithoutWriting(
      f,
      () => as(admin).assign({ workletId: 2_000_000_000, mentorId: a!.id }),
      'NOT_FOUND',
      /Worklet/,
    );
    await rejectsWithoutWriting(
      f,
      () => as(admin).assign({ workletId: w.id, mentorId: 2_000_000_000 }),
      'NOT_FOUND',
      /Mentor/,
    );
  });

  it('BAD_REQUEST on archived worklets, for new and returning mentors alike', async () => {
    const w = await f.worklet();
    const [a, b] = await mentors(2);
    await as(admin).assign({ workletId: w.id, mentorId: a!.id });
    await as(admin).deactivate({ assignmentId: await assignmentId(w.id, a!.id) });
    await f.callerFor(admin).worklets.archive({ workletId: w.id });
    await rejectsWithoutWriting(
      f,
      () => as(admin).assign({ workletId: w.id, mentorId: b!.id }),
      'BAD_REQUEST',
      /archived/,
    );
    await rejectsWithoutWriting(
      f,
      () => as(admin).assign({ workletId: w.id, mentorId: a!.id }),
      'BAD_REQUEST',
      /archived/,
    );
    await rejectsWithoutWriting(
      f,
      () => as(admin).assign({ workletId: w.id, mentorId: b!.id, role: 'Primary', replacePrimary: true }),
      'BAD_REQUEST',
    );
  });

  it('refuses unknown keys and malformed values', async () => {
    const w = await f.worklet();
    const [a] = await mentors(1);
    const bad: unknown[] = [
      { workletId: w.id, mentorId: a!.id, assignedBy: admin2.id },
      { workletId: w.id, mentorId: a!.id, isActive: false },
      { workletId: w.id, mentorId: a!.id, role: 'Lead' },
      { workletId: w.id, mentorId: a!.id, replacePrimary: 'yes' },
      { workletId: w.id, mentorId: -1 },
      { workletId: w.id, mentorId: 1.5 },
      { workletId: w.id },
      { workletId: 2_147_483_648, mentorId: a!.id },
    ];
    for (const input of bad) {
      const error = await rejectsWithoutWriting(
        f,
        () => as(admin).assign(untyped<Inputs['assign']>(input)),
        'BAD_REQUEST',
      );
      expect(error.cause, JSON.stringify(input)).toBeInstanceOf(z.ZodError);
    }
    const unknownKey = await caught(
      as(admin).assign(untyped<Inputs['assign']>({ workletId: w.id, mentorId: a!.id, assignedBy: 1 })),
    );
    expect((unknownKey.cause as z.ZodError).issues).toMatchObject([
      { code: 'unrecognized_keys', keys: ['assignedBy'] },
    ]);
    expect(
      fieldErrors(await caught(as(admin).assign(untyped<Inputs['assign']>({ workletId: w.id, mentorId: 0 })))).mentorId,
    ).toBeDefined();
  });
});

describe('assignments.setMentors', () => {
  it('staffs an empty worklet, one event per mentor', async () => {
    const w = await f.worklet();
    const [a, b, c] = await mentors(3);
    const mark = await lastEventId();
    const r = await as(admin2).setMentors({
      workletId: w.id,
      expectedVersion: await f.version(w.id),
      mentors: [
        { mentorId: b!.id, role: 'Secondary' },
        { mentorId: a!.id, role: 'Primary' },
        { mentorId: c!.id, role: 'Collaborator' },
      ],
    });
    expect(r.changes).toBe(3);
    expect(r.mentors.map((m) => [m.mentorId, m.role])).toEqual([
      [a!.id, 'Primary'],
      [b!.id, 'Secondary'],
      [c!.id, 'Collaborator'],
    ]);
    const events = await eventsSince(mark);
    expect(events).toHaveLength(3);
    expect(
      events.every(
        (e) => e.type === 'assigned' && e.oldRole === null && e.actorId === admin2.id && e.actorName === admin2.name,
      ),
    ).toBe(true);
    expect(new Map(events.map((e) => [e.mentorId, e.newRole]))).toEqual(
      new Map([
        [a!.id, 'Primary'],
        [b!.id, 'Secondary'],
        [c!.id, 'Collaborator'],
      ]),
    );
    expect((await f.assignments(w.id)).every((x) => x.assignedById === admin2.id)).toBe(true);
    await expectLegacy(w.id, a!.id);
  });

  it('applies exactly the difference: deactivate, change role, reactivate, assign', async () => {
    const w = await f.worklet();
    const [a, b, c, d, e] = await mentors(5);
    await as(admin).setMentors({
      workletId: w.id,
      expectedVersion: await f.version(w.id),
      mentors: [
        { mentorId: a!.id, role: 'Primary' },
        { mentorId: b!.id, role: 'Secondary' },
        { mentorId: c!.id, role: 'Collaborator' },
        { mentorId: d!.id, role: 'Secondary' },
      ],
    });
    const dId = await assignmentId(w.id, d!.id);
    await as(admin).deactivate({ assignmentId: dId });
    const ids = {
      a: await assignmentId(w.id, a!.id),
      b: await assignmentId(w.id, b!.id),
      c: await assignmentId(w.id, c!.id),
    };

    const mark = await lastEventId();
    const r = await as(admin2).setMentors({
      workletId: w.id,
      expectedVersion: await f.version(w.id),
      mentors: [
        { mentorId: b!.id, role: 'Primary' },
        { mentorId: d!.id, role: 'Secondary' },
        { mentorId: e!.id, role: 'Collaborator' },
      ],
    });
    expect(r.changes).toBe(5);
    expect(r.mentors.map((m) => [m.mentorId, m.role])).toEqual([
      [b!.id, 'Primary'],
      [d!.id, 'Secondary'],
      [e!.id, 'Collaborator'],
    ]);
    const eId = await assignmentId(w.id, e!.id);
    const events = await eventsSince(mark);
    const common = { actorId: admin2.id, actorName: admin2.name, workletId: w.id };
    expect(events).toHaveLength(5);
    expect(events).toEqual(
      expect.arrayContaining([
        { type: 'deactivated', mentorId: a!.id, oldRole: 'Primary', newRole: null, assignmentId: ids.a, ...common },
        {
          type: 'deactivated',
          mentorId: c!.id,
          oldRole: 'Collaborator',
          newRole: null,
          assignmentId: ids.c,
          ...common,
        },
        {
          type: 'role_changed',
          mentorId: b!.id,
          oldRole: 'Secondary',
          newRole: 'Primary',
          assignmentId: ids.b,
          ...common,
        },
        { type: 'reactivated', mentorId: d!.id, oldRole: null, newRole: 'Secondary', assignmentId: dId, ...common },
        { type: 'assigned', mentorId: e!.id, oldRole: null, newRole: 'Collaborator', assignmentId: eId, ...common },
      ]),
    );
    const rows = (await f.assignments(w.id)).sort((x, y) => x.mentorId - y.mentorId);
    expect(rows.map((x) => [x.mentorId, x.roleType, x.isActive])).toEqual([
      [a!.id, 'Primary', false],
      [b!.id, 'Primary', true],
      [c!.id, 'Collaborator', false],
      [d!.id, 'Secondary', true],
      [e!.id, 'Collaborator', true],
    ]);
    // Reactivated and new rows record the caller; a role change keeps the original assigner.
    expect(rows.find((x) => x.id === dId)?.assignedById).toBe(admin2.id);
    expect(rows.find((x) => x.id === eId)?.assignedById).toBe(admin2.id);
    expect(rows.find((x) => x.id === ids.b)?.assignedById).toBe(admin.id);
    await expectLegacy(w.id, b!.id);
  });

  it('swaps Primary and Secondary in one call', async () => {
    const w = await f.worklet();
    const [a, b] = await mentors(2);
    await as(admin).setMentors({
      workletId: w.id,
      expectedVersion: await f.version(w.id),
      mentors: [
        { mentorId: a!.id, role: 'Primary' },
        { mentorId: b!.id, role: 'Secondary' },
      ],
    });
    const mark = await lastEventId();
    const r = await as(admin).setMentors({
      workletId: w.id,
      expectedVersion: await f.version(w.id),
      mentors: [
        { mentorId: a!.id, role: 'Secondary' },
        { mentorId: b!.id, role: 'Primary' },
      ],
    });
    expect(r.changes).toBe(2);
    expect((await eventsSince(mark)).map((e) => [e.type, e.mentorId, e.oldRole, e.newRole])).toEqual([
      ['role_changed', a!.id, 'Primary', 'Secondary'],
      ['role_changed', b!.id, 'Secondary', 'Primary'],
    ]);
    await expectLegacy(w.id, b!.id);
  });

  it('writes nothing when the set is unchanged, and clears the worklet with an empty set', async () => {
    const w = await f.worklet();
    const [a, b] = await mentors(2);
    const set = {
      workletId: w.id,
      mentors: [
        { mentorId: a!.id, role: 'Primary' as const },
        { mentorId: b!.id, role: 'Collaborator' as const },
      ],
    };
    await as(admin).setMentors({ ...set, expectedVersion: await f.version(w.id) });
    const before = await f.snapshot();
    const same = await as(admin).setMentors({
      ...set,
      expectedVersion: await f.version(w.id),
      mentors: [...set.mentors].reverse(),
    });
    expect(same.changes).toBe(0);
    expect(await f.snapshot()).toEqual(before);

    const mark = await lastEventId();
    const cleared = await as(admin).setMentors({
      workletId: w.id,
      expectedVersion: await f.version(w.id),
      mentors: [],
    });
    expect(cleared).toEqual({
      workletId: w.id,
      version: await f.version(w.id),
      mentors: [],
      changes: 2,
      batchId: expect.any(Number),
    });
    expect((await eventsSince(mark)).map((e) => e.type)).toEqual(['deactivated', 'deactivated']);
    expect((await f.assignments(w.id)).map((x) => x.isActive)).toEqual([false, false]);
    await expectLegacy(w.id, null);
  });

  it('BAD_REQUEST (validation) for a mentor listed twice, two Primaries, too many mentors or unknown keys', async () => {
    const w = await f.worklet();
    const [a, b] = await mentors(2);
    await as(admin).assign({ workletId: w.id, mentorId: a!.id });
    const cases: unknown[] = [
      {
        workletId: w.id,
        expectedVersion: 1,
        mentors: [
          { mentorId: b!.id, role: 'Secondary' },
          { mentorId: b!.id, role: 'Collaborator' },
        ],
      },
      {
        workletId: w.id,
        expectedVersion: 1,
        mentors: [
          { mentorId: a!.id, role: 'Primary' },
          { mentorId: b!.id, role: 'Primary' },
        ],
      },
      {
        workletId: w.id,
        expectedVersion: 1,
        mentors: Array.from({ length: 21 }, (_, i) => ({ mentorId: i + 1, role: 'Collaborator' })),
      },
      { workletId: w.id, expectedVersion: 1, mentors: [{ mentorId: b!.id, role: 'Secondary', isActive: true }] },
      { workletId: w.id, expectedVersion: 1, mentors: [{ mentorId: b!.id, role: 'Secondary' }], assignedBy: admin2.id },
      { workletId: w.id, expectedVersion: 1, mentors: [{ mentorId: b!.id }] },
    ];
    for (const input of cases) {
      const error = await rejectsWithoutWriting(
        f,
        () => as(admin).setMentors(untyped<Inputs['setMentors']>(input)),
        'BAD_REQUEST',
      );
      expect(error.cause, JSON.stringify(input)).toBeInstanceOf(z.ZodError);
    }
    const twice = await caught(as(admin).setMentors(untyped<Inputs['setMentors']>(cases[0])));
    expect(fieldErrors(twice).mentors).toEqual(['This mentor is listed twice']);
    const twoPrimaries = await caught(as(admin).setMentors(untyped<Inputs['setMentors']>(cases[1])));
    expect(fieldErrors(twoPrimaries).mentors).toEqual(['Only one mentor can be Primary']);
  });

  it('is all or nothing: one unassignable newcomer rejects every other change', async () => {
    const w = await f.worklet();
    const [a, b, c] = await mentors(3);
    const inactive = await f.user('mentor', { isActive: false });
    const pupil = await f.user('student');
    await as(admin).setMentors({
      workletId: w.id,
      expectedVersion: await f.version(w.id),
      mentors: [
        { mentorId: a!.id, role: 'Primary' },
        { mentorId: b!.id, role: 'Secondary' },
      ],
    });
    const expectedVersion = await f.version(w.id);
    const wanted = (extra: number) => ({
      workletId: w.id,
      expectedVersion,
      mentors: [
        { mentorId: b!.id, role: 'Primary' as const },
        { mentorId: c!.id, role: 'Secondary' as const },
        { mentorId: extra, role: 'Collaborator' as const },
      ],
    });
    await rejectsWithoutWriting(f, () => as(admin).setMentors(wanted(inactive.id)), 'BAD_REQUEST', /deactivated/);
    await rejectsWithoutWriting(f, () => as(admin).setMentors(wanted(pupil.id)), 'BAD_REQUEST', /not a mentor/);
    await rejectsWithoutWriting(f, () => as(admin).setMentors(wanted(2_000_000_000)), 'NOT_FOUND');
    await expectLegacy(w.id, a!.id);
  });

  it('NOT_FOUND for an unknown worklet', async () => {
    const [a] = await mentors(1);
    await rejectsWithoutWriting(
      f,
      () =>
        as(admin).setMentors({
          workletId: 2_000_000_000,
          expectedVersion: 1,
          mentors: [{ mentorId: a!.id, role: 'Primary' }],
        }),
      'NOT_FOUND',
    );
    await rejectsWithoutWriting(
      f,
      () => as(admin).setMentors({ workletId: 2_000_000_000, expectedVersion: 1, mentors: [] }),
      'NOT_FOUND',
    );
  });

  it('on an archived worklet: no newcomers (BAD_REQUEST), but roles may change and mentors may leave', async () => {
    const w = await f.worklet();
    const [a, b, c] = await mentors(3);
    await as(admin).setMentors({
      workletId: w.id,
      expectedVersion: await f.version(w.id),
      mentors: [
        { mentorId: a!.id, role: 'Primary' },
        { mentorId: b!.id, role: 'Secondary' },
      ],
    });
    await as(admin).deactivate({ assignmentId: await assignmentId(w.id, b!.id) });
    await f.callerFor(admin).worklets.archive({ workletId: w.id });
    await rejectsWithoutWriting(
      f,
      async () =>
        as(admin).setMentors({
          workletId: w.id,
          expectedVersion: await f.version(w.id),
          mentors: [
            { mentorId: a!.id, role: 'Primary' },
            { mentorId: c!.id, role: 'Secondary' },
          ],
        }),
      'BAD_REQUEST',
      /archived/,
    );
    await rejectsWithoutWriting(
      f,
      async () =>
        as(admin).setMentors({
          workletId: w.id,
          expectedVersion: await f.version(w.id),
          mentors: [
            { mentorId: a!.id, role: 'Primary' },
            { mentorId: b!.id, role: 'Secondary' },
          ],
        }),
      'BAD_REQUEST',
      /archived/,
    );
    const r = await as(admin).setMentors({
      workletId: w.id,
      expectedVersion: await f.version(w.id),
      mentors: [{ mentorId: a!.id, role: 'Secondary' }],
    });
    expect(r.changes).toBe(1);
    await expectLegacy(w.id, null);
    expect(
      (await as(admin).setMentors({ workletId: w.id, expectedVersion: await f.version(w.id), mentors: [] })).changes,
    ).toBe(1);
  });
});

describe('assignments.changeRole', () => {
  it('changes a role, with an event from the old to the new role', async () => {
    const w = await f.worklet();
    const [a, b] = await mentors(2);
    await as(admin).assign({ workletId: w.id, mentorId: a!.id });
    await as(admin).assign({ workletId: w.id, mentorId: b!.id });
    const [aId, bId] = [await assignmentId(w.id, a!.id), await assignmentId(w.id, b!.id)];

    let mark = await lastEventId();
    const r1 = await as(admin2).changeRole({ assignmentId: bId, role: 'Collaborator' });
    expect(r1.changes).toBe(1);
    expect(await eventsSince(mark)).toEqual([
      {
        type: 'role_changed',
        mentorId: b!.id,
        oldRole: 'Secondary',
        newRole: 'Collaborator',
        actorId: admin2.id,
        actorName: admin2.name,
        workletId: w.id,
        assignmentId: bId,
      },
    ]);
    await expectLegacy(w.id, a!.id);

    mark = await lastEventId();
    const r2 = await as(admin).changeRole({ assignmentId: aId, role: 'Secondary' });
    expect(r2.mentors.map((m) => [m.mentorId, m.role])).toEqual([
      [a!.id, 'Secondary'],
      [b!.id, 'Collaborator'],
    ]);
    expect((await eventsSince(mark)).map((e) => [e.type, e.oldRole, e.newRole, e.actorId])).toEqual([
      ['role_changed', 'Primary', 'Secondary', admin.id],
    ]);
    await expectLegacy(w.id, null);

    const r3 = await as(admin).changeRole({ assignmentId: bId, role: 'Primary' });
    expect(r3.changes).toBe(1);
    await expectLegacy(w.id, b!.id);
    expect((await row(bId)).assignedById).toBe(admin.id);
  });

  it('CONFLICT naming the Primary, unless replacePrimary demotes them', async () => {
    const w = await f.worklet();
    const [a, b] = await mentors(2);
    await as(admin).assign({ workletId: w.id, mentorId: a!.id });
    await as(admin).assign({ workletId: w.id, mentorId: b!.id, role: 'Collaborator' });
    const [aId, bId] = [await assignmentId(w.id, a!.id), await assignmentId(w.id, b!.id)];
    const error = await rejectsWithoutWriting(
      f,
      () => as(admin).changeRole({ assignmentId: bId, role: 'Primary' }),
      'CONFLICT',
      a!.name,
    );
    expect(conflictingPrimary(error)).toEqual({ id: a!.id, name: a!.name });

    const mark = await lastEventId();
    const r = await as(admin2).changeRole({ assignmentId: bId, role: 'Primary', replacePrimary: true });
    expect(r.changes).toBe(2);
    expect(r.mentors.map((m) => [m.mentorId, m.role])).toEqual([
      [b!.id, 'Primary'],
      [a!.id, 'Secondary'],
    ]);
    expect(await eventsSince(mark)).toEqual([
      {
        type: 'role_changed',
        mentorId: a!.id,
        oldRole: 'Primary',
        newRole: 'Secondary',
        actorId: admin2.id,
        actorName: admin2.name,
        workletId: w.id,
        assignmentId: aId,
      },
      {
        type: 'role_changed',
        mentorId: b!.id,
        oldRole: 'Collaborator',
        newRole: 'Primary',
        actorId: admin2.id,
        actorName: admin2.name,
        workletId: w.id,
        assignmentId: bId,
      },
    ]);
    await expectLegacy(w.id, b!.id);
  });

  it('asking for the role the mentor already has changes nothing', async () => {
    const w = await f.worklet();
    const [a, b] = await mentors(2);
    await as(admin).assign({ workletId: w.id, mentorId: a!.id });
    await as(admin).assign({ workletId: w.id, mentorId: b!.id });
    const before = await f.snapshot();
    expect(
      (await as(admin).changeRole({ assignmentId: await assignmentId(w.id, a!.id), role: 'Primary' })).changes,
    ).toBe(0);
    expect(
      (
        await as(admin).changeRole({
          assignmentId: await assignmentId(w.id, a!.id),
          role: 'Primary',
          replacePrimary: true,
        })
      ).changes,
    ).toBe(0);
    expect(
      (await as(admin).changeRole({ assignmentId: await assignmentId(w.id, b!.id), role: 'Secondary' })).changes,
    ).toBe(0);
    expect(await f.snapshot()).toEqual(before);
  });

  it('BAD_REQUEST for an inactive assignment, NOT_FOUND for an unknown one, BAD_REQUEST for bad input', async () => {
    const w = await f.worklet();
    const [a] = await mentors(1);
    await as(admin).assign({ workletId: w.id, mentorId: a!.id, role: 'Secondary' });
    const id = await assignmentId(w.id, a!.id);
    await as(admin).deactivate({ assignmentId: id });
    await rejectsWithoutWriting(
      f,
      () => as(admin).changeRole({ assignmentId: id, role: 'Primary' }),
      'BAD_REQUEST',
      /reactivate/,
    );
    await rejectsWithoutWriting(
      f,
      () => as(admin).changeRole({ assignmentId: 2_000_000_000, role: 'Primary' }),
      'NOT_FOUND',
    );
    for (const input of [
      { assignmentId: id, role: 'Boss' },
      { assignmentId: id },
      { assignmentId: id, role: 'Secondary', isActive: true },
      { assignmentId: id, role: 'Secondary', workletId: w.id },
    ]) {
      await rejectsWithoutWriting(f, () => as(admin).changeRole(untyped<Inputs['changeRole']>(input)), 'BAD_REQUEST');
    }
  });
});

describe('assignments.deactivate', () => {
  it('soft-deletes: the row stays inactive, the event records the old role, the legacy column follows', async () => {
    const w = await f.worklet();
    const [a, b] = await mentors(2);
    await as(admin).assign({ workletId: w.id, mentorId: a!.id });
    await as(admin).assign({ workletId: w.id, mentorId: b!.id });
    const [aId, bId] = [await assignmentId(w.id, a!.id), await assignmentId(w.id, b!.id)];

    const mark = await lastEventId();
    const r = await as(admin2).deactivate({ assignmentId: aId });
    expect(r).toMatchObject({ workletId: w.id, changes: 1 });
    expect(r.mentors.map((m) => m.assignmentId)).toEqual([bId]);
    expect(await row(aId)).toMatchObject({ isActive: false, roleType: 'Primary', assignedById: admin.id });
    expect(await eventsSince(mark)).toEqual([
      {
        type: 'deactivated',
        mentorId: a!.id,
        oldRole: 'Primary',
        newRole: null,
        actorId: admin2.id,
        actorName: admin2.name,
        workletId: w.id,
        assignmentId: aId,
      },
    ]);
    await expectLegacy(w.id, null);
    expect((await as(admin).workletMentors({ workletId: w.id })).map((m) => m.mentorId)).toEqual([b!.id]);
  });

  it('CONFLICT when already inactive, NOT_FOUND when unknown; allowed on archived worklets', async () => {
    const w = await f.worklet();
    const [a, b] = await mentors(2);
    await as(admin).assign({ workletId: w.id, mentorId: a!.id });
    await as(admin).assign({ workletId: w.id, mentorId: b!.id });
    const aId = await assignmentId(w.id, a!.id);
    await as(admin).deactivate({ assignmentId: aId });
    await rejectsWithoutWriting(f, () => as(admin).deactivate({ assignmentId: aId }), 'CONFLICT', a!.name);
    await rejectsWithoutWriting(f, () => as(admin).deactivate({ assignmentId: 2_000_000_000 }), 'NOT_FOUND');
    await rejectsWithoutWriting(
      f,
      () => as(admin).deactivate(untyped<Inputs['deactivate']>({ assignmentId: aId, isActive: false })),
      'BAD_REQUEST',
    );
    await f.callerFor(admin).worklets.archive({ workletId: w.id });
    expect((await as(admin).deactivate({ assignmentId: await assignmentId(w.id, b!.id) })).mentors).toEqual([]);
  });
});

describe('assignments.reactivate', () => {
  it('brings the same row back, Primary by default when there is none, recording the caller', async () => {
    const w = await f.worklet();
    const [a, b] = await mentors(2);
    await as(admin).assign({ workletId: w.id, mentorId: a!.id });
    await as(admin).assign({ workletId: w.id, mentorId: b!.id });
    const [aId, bId] = [await assignmentId(w.id, a!.id), await assignmentId(w.id, b!.id)];
    await as(admin).deactivate({ assignmentId: aId });
    await as(admin).deactivate({ assignmentId: bId });

    let mark = await lastEventId();
    const r1 = await as(admin2).reactivate({ assignmentId: bId });
    expect(r1.mentors).toMatchObject([{ assignmentId: bId, mentorId: b!.id, role: 'Primary' }]);
    expect(await row(bId)).toMatchObject({ isActive: true, roleType: 'Primary', assignedById: admin2.id });
    expect(await eventsSince(mark)).toEqual([
      {
        type: 'reactivated',
        mentorId: b!.id,
        oldRole: null,
        newRole: 'Primary',
        actorId: admin2.id,
        actorName: admin2.name,
        workletId: w.id,
        assignmentId: bId,
      },
    ]);
    await expectLegacy(w.id, b!.id);

    mark = await lastEventId();
    const r2 = await as(admin).reactivate({ assignmentId: aId });
    expect(r2.mentors.map((m) => [m.assignmentId, m.role])).toEqual([
      [bId, 'Primary'],
      [aId, 'Secondary'],
    ]);
    expect((await eventsSince(mark)).map((e) => [e.type, e.newRole, e.actorId])).toEqual([
      ['reactivated', 'Secondary', admin.id],
    ]);
    expect(await f.db.prisma.mentorWorkletAssignment.count({ where: { workletId: w.id } })).toBe(2);
    await expectLegacy(w.id, b!.id);
  });

  it('takes an explicit role; Primary over another Primary is a CONFLICT unless replacePrimary', async () => {
    const w = await f.worklet();
    const [a, b, c] = await mentors(3);
    await as(admin).assign({ workletId: w.id, mentorId: a!.id });
    await as(admin).assign({ workletId: w.id, mentorId: b!.id });
    await as(admin).assign({ workletId: w.id, mentorId: c!.id });
    const [aId, bId, cId] = [
      await assignmentId(w.id, a!.id),
      await assignmentId(w.id, b!.id),
      await assignmentId(w.id, c!.id),
    ];
    await as(admin).deactivate({ assignmentId: bId });
    await as(admin).deactivate({ assignmentId: cId });

    expect(
      (await as(admin).reactivate({ assignmentId: cId, role: 'Collaborator' })).mentors.map((m) => [
        m.mentorId,
        m.role,
      ]),
    ).toEqual([
      [a!.id, 'Primary'],
      [c!.id, 'Collaborator'],
    ]);
    const error = await rejectsWithoutWriting(
      f,
      () => as(admin).reactivate({ assignmentId: bId, role: 'Primary' }),
      'CONFLICT',
      a!.name,
    );
    expect(conflictingPrimary(error)).toEqual({ id: a!.id, name: a!.name });

    const mark = await lastEventId();
    const r = await as(admin2).reactivate({ assignmentId: bId, role: 'Primary', replacePrimary: true });
    expect(r.changes).toBe(2);
    expect(await eventsSince(mark)).toEqual([
      {
        type: 'role_changed',
        mentorId: a!.id,
        oldRole: 'Primary',
        newRole: 'Secondary',
        actorId: admin2.id,
        actorName: admin2.name,
        workletId: w.id,
        assignmentId: aId,
      },
      {
        type: 'reactivated',
        mentorId: b!.id,
        oldRole: null,
        newRole: 'Primary',
        actorId: admin2.id,
        actorName: admin2.name,
        workletId: w.id,
        assignmentId: bId,
      },
    ]);
    await expectLegacy(w.id, b!.id);
  });

  it('CONFLICT when active, NOT_FOUND when unknown, BAD_REQUEST when archived or the user can no longer mentor', async () => {
    const [w, archived] = [await f.worklet(), await f.worklet()];
    const [a, b, c, d] = await mentors(4);
    await as(admin).assign({ workletId: w.id, mentorId: a!.id });
    await as(admin).assign({ workletId: w.id, mentorId: b!.id });
    await as(admin).assign({ workletId: w.id, mentorId: c!.id });
    await as(admin).assign({ workletId: archived.id, mentorId: d!.id });
    const [aId, bId, cId, dId] = [
      await assignmentId(w.id, a!.id),
      await assignmentId(w.id, b!.id),
      await assignmentId(w.id, c!.id),
      await assignmentId(archived.id, d!.id),
    ];

    await rejectsWithoutWriting(f, () => as(admin).reactivate({ assignmentId: aId }), 'CONFLICT', a!.name);
    await rejectsWithoutWriting(f, () => as(admin).reactivate({ assignmentId: 2_000_000_000 }), 'NOT_FOUND');

    await as(admin).deactivate({ assignmentId: dId });
    await f.callerFor(admin).worklets.archive({ workletId: archived.id });
    await rejectsWithoutWriting(f, () => as(admin).reactivate({ assignmentId: dId }), 'BAD_REQUEST', /archived/);

    await as(admin).deactivate({ assignmentId: bId });
    await as(admin).deactivate({ assignmentId: cId });
    await f.db.prisma.user.update({ where: { id: b!.id }, data: { isActive: false } });
    await f.db.prisma.user.update({ where: { id: c!.id }, data: { role: 'student' } });
    await rejectsWithoutWriting(f, () => as(admin).reactivate({ assignmentId: bId }), 'BAD_REQUEST', /deactivated/);
    await rejectsWithoutWriting(
      f,
      () => as(admin).reactivate({ assignmentId: cId, role: 'Collaborator' }),
      'BAD_REQUEST',
      /not a mentor/,
    );
    await rejectsWithoutWriting(
      f,
      () => as(admin).reactivate(untyped<Inputs['reactivate']>({ assignmentId: bId, assignedBy: admin.id })),
      'BAD_REQUEST',
    );
    await rejectsWithoutWriting(
      f,
      () => as(admin).reactivate(untyped<Inputs['reactivate']>({ assignmentId: bId, role: 'primary' })),
      'BAD_REQUEST',
    );
  });
});

describe('who may write', () => {
  it('mentors and students get FORBIDDEN and signed-out callers UNAUTHORIZED, on every write, with nothing written', async () => {
    const w = await f.worklet();
    const [a, b] = await mentors(2);
    await as(admin).assign({ workletId: w.id, mentorId: a!.id });
    await as(admin).assign({ workletId: w.id, mentorId: b!.id });
    const bId = await assignmentId(w.id, b!.id);
    await as(admin).deactivate({ assignmentId: bId });
    const aId = await assignmentId(w.id, a!.id);
    const [newcomer] = await mentors(1);

    const writes: [string, (user: SessionUser | null) => Promise<unknown>][] = [
      ['assign', (u) => as(u).assign({ workletId: w.id, mentorId: newcomer!.id })],
      [
        'setMentors',
        async (u) => as(u).setMentors({ workletId: w.id, expectedVersion: await f.version(w.id), mentors: [] }),
      ],
      ['changeRole', (u) => as(u).changeRole({ assignmentId: aId, role: 'Collaborator' })],
      ['deactivate', (u) => as(u).deactivate({ assignmentId: aId })],
      ['reactivate', (u) => as(u).reactivate({ assignmentId: bId })],
    ];
    for (const [name, write] of writes) {
      // `a` mentors this very worklet and still may not change it.
      for (const user of [a!, outsider, student]) {
        const error = await rejectsWithoutWriting(f, () => write(user), 'FORBIDDEN');
        expect(error.message, name).toMatch(/admin/i);
      }
      await rejectsWithoutWriting(f, () => write(null), 'UNAUTHORIZED');
    }
    // Signed-out callers learn nothing about the input either.
    await rejectsWithoutWriting(f, () => as(null).assign(untyped<Inputs['assign']>({ bogus: true })), 'UNAUTHORIZED');
    // And each of these writes works for an admin.
    const byName = new Map(writes);
    for (const name of ['changeRole', 'reactivate', 'assign', 'deactivate', 'setMentors']) {
      await expect(byName.get(name)!(admin), name).resolves.toMatchObject({ workletId: w.id });
    }
  });
});
