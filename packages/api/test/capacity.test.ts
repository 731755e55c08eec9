/**
 * Rule 5, a mentor's capacity: workload is active assignments on open (draft or active)
 * worklets; a write that takes a mentor over capacity is a CONFLICT that names them with
 * their numbers and writes nothing, unless the coordinator confirms (`allowOverCapacity`),
 * which the history records (`capacity_override`). The same in every write path, under
 * concurrency, and the same definition in the lists, the sort, the filter and the coverage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../src/context.ts';
import { DetailedError, type ErrorDetails } from '../src/errors.ts';
import type { RouterOutputs } from '../src/root.ts';
import { type ApiFixture, createApiFixture } from './api-fixture.ts';
import { caught, rejectsWithoutWriting } from './helpers.ts';

const statements: string[] = [];
let f: ApiFixture;
let admin: SessionUser;

beforeAll(async () => {
  f = await createApiFixture({ onQuery: (sql) => statements.push(sql) });
  admin = await f.user('admin');
});
afterAll(async () => {
  await f?.close();
});

const api = (user: SessionUser | null = admin) => f.callerFor(user);

/** A mentor with `load` open worklets (as Secondary, over capacity if so asked) and, optionally, their own capacity. */
async function loadedMentor(load: number, capacity: number | null = null, name?: string) {
  const mentor = await f.user('mentor', name ? { name } : {});
  if (capacity !== null) await api().mentors.setCapacity({ mentorId: mentor.id, capacity });
  for (let i = 0; i < load; i++) {
    const w = await f.worklet({ status: i % 2 === 0 ? 'active' : 'draft' });
    await api().assignments.assign({
      workletId: w.id,
      mentorId: mentor.id,
      role: 'Secondary',
      allowOverCapacity: true,
    });
  }
  return mentor;
}

function overCapacityDetails(error: { cause?: unknown; code: string }): ErrorDetails['overCapacity'] {
  expect(error.code).toBe('CONFLICT');
  expect(error.cause).toBeInstanceOf(DetailedError);
  return (error.cause as DetailedError).details.overCapacity;
}

async function lastEvent(workletId: number) {
  return (await f.events({ workletId })).at(-1)!;
}

describe('assigning over capacity', () => {
  it('is a CONFLICT naming the mentor with their numbers, and writes nothing', async () => {
    const m = await loadedMentor(2, 2, 'Omar Kapoor');
    const w = await f.worklet();
    const error = await rejectsWithoutWriting(
      f,
      () => api().assignments.assign({ workletId: w.id, mentorId: m.id }),
      'CONFLICT',
      /Omar Kapoor would have 3 open worklets, over their capacity of 2/,
    );
    expect(overCapacityDetails(error)).toEqual([{ id: m.id, name: 'Omar Kapoor', workload: 3, capacity: 2 }]);
  });

  it('goes through with allowOverCapacity, and the event records the override', async () => {
    const m = await loadedMentor(2, 2);
    const w = await f.worklet();
    const result = await api().assignments.assign({ workletId: w.id, mentorId: m.id, allowOverCapacity: true });
    expect(result.mentors).toMatchObject([{ mentorId: m.id, role: 'Primary' }]);
    expect(await lastEvent(w.id)).toMatchObject({ type: 'assigned', mentorId: m.id, capacityOverride: true });
    expect((await api().mentors.byId({ mentorId: m.id })).workload.total).toBe(3);
    // The history shows it.
    const history = await api().history.forWorklet({ workletId: w.id });
    expect(history.items[0]).toMatchObject({ type: 'assigned', capacityOverride: true });
  });

  it('does not mark assignments within capacity, even with the flag', async () => {
    const m = await loadedMentor(1, 2);
    const w = await f.worklet();
    await api().assignments.assign({ workletId: w.id, mentorId: m.id, allowOverCapacity: true });
    expect(await lastEvent(w.id)).toMatchObject({ type: 'assigned', capacityOverride: false });
  });

  it('uses the program default, then the mentor’s own capacity, and null goes back to the default', async () => {
    const m = await loadedMentor(8);
    const w = await f.worklet();
    expect(await api().mentors.byId({ mentorId: m.id })).toMatchObject({ capacity: 8, ownCapacity: null });
    await rejectsWithoutWriting(f, () => api().assignments.assign({ workletId: w.id, mentorId: m.id }), 'CONFLICT');
    await api().mentors.setCapacity({ mentorId: m.id, capacity: 9 });
    await api().assignments.assign({ workletId: w.id, mentorId: m.id });
    expect(await api().mentors.byId({ mentorId: m.id })).toMatchObject({
      capacity: 9,
      ownCapacity: 9,
      overCapacity: false,
      workload: { total: 9 },
    });
    expect(await api().mentors.setCapacity({ mentorId: m.id, capacity: null })).toMatchObject({
      capacity: 8,
      ownCapacity: null,
      overCapacity: true,
    });
  });

  it('counts only open worklets: completed and archived ones do not load a mentor', async () => {
    const m = await loadedMentor(1, 1);
    const done = await f.worklet({ status: 'completed' });
    // Joining a completed worklet adds no load.
    await api().assignments.assign({ workletId: done.id, mentorId: m.id });
    expect((await api().mentors.byId({ mentorId: m.id })).workload).toEqual({
      Primary: 0,
      Secondary: 1,
      Collaborator: 0,
      total: 1,
    });
    const [mine] = await f.db.prisma.mentorWorkletAssignment.findMany({
      where: { mentorId: m.id, isActive: true, worklet: { status: 'active' } },
      select: { workletId: true },
    });
    const open = mine ?? (await f.db.prisma.mentorWorkletAssignment.findFirstOrThrow({ where: { mentorId: m.id } }));
    await api().worklets.update({
      id: open.workletId,
      expectedVersion: await f.version(open.workletId),
      status: 'completed',
    });
    expect((await api().mentors.byId({ mentorId: m.id })).workload.total).toBe(0);
    await api().assignments.assign({ workletId: (await f.worklet()).id, mentorId: m.id });
    // A status change back to active adds load but is not refused (rule 5 checks assignments).
    await api().worklets.update({ id: done.id, expectedVersion: await f.version(done.id), status: 'active' });
    expect(await api().mentors.byId({ mentorId: m.id })).toMatchObject({ workload: { total: 2 }, overCapacity: true });
  });

  it('lets a mentor over capacity keep their worklets, change roles and leave', async () => {
    const m = await loadedMentor(0, 0);
    const w = await f.worklet();
    await api().assignments.assign({ workletId: w.id, mentorId: m.id, role: 'Secondary', allowOverCapacity: true });
    const result = await api().assignments.changeRole({
      assignmentId: (await f.assignments(w.id))[0]!.id,
      role: 'Primary',
    });
    expect(result.mentors).toMatchObject([{ mentorId: m.id, role: 'Primary' }]);
    await api().assignments.setMentors({
      workletId: w.id,
      expectedVersion: await f.version(w.id),
      mentors: [{ mentorId: m.id, role: 'Collaborator' }],
    });
    await api().assignments.setMentors({ workletId: w.id, expectedVersion: await f.version(w.id), mentors: [] });
    expect((await api().mentors.byId({ mentorId: m.id })).workload.total).toBe(0);
  });
});

describe('every write path', () => {
  it('setMentors: refuses joining mentors over capacity, all of them named, nothing written; confirmed, records each', async () => {
    const [full, alsoFull, free] = [
      await loadedMentor(1, 1, 'Full One'),
      await loadedMentor(0, 0),
      await loadedMentor(0),
    ];
    const w = await f.worklet();
    const mentors = [
      { mentorId: free.id, role: 'Primary' as const },
      { mentorId: full.id, role: 'Secondary' as const },
      { mentorId: alsoFull.id, role: 'Collaborator' as const },
    ];
    const input = { workletId: w.id, expectedVersion: await f.version(w.id), mentors };
    const error = await rejectsWithoutWriting(f, () => api().assignments.setMentors(input), 'CONFLICT', /Full One/);
    expect(overCapacityDetails(error)).toEqual([
      { id: full.id, name: 'Full One', workload: 2, capacity: 1 },
      { id: alsoFull.id, name: alsoFull.name, workload: 1, capacity: 0 },
    ]);
    await api().assignments.setMentors({ ...input, allowOverCapacity: true });
    const events = await f.events({ workletId: w.id });
    // (Written Primary last: the order of the changes, not of the input.)
    expect(new Map(events.map((e) => [e.mentorId, e.capacityOverride]))).toEqual(
      new Map([
        [free.id, false],
        [full.id, true],
        [alsoFull.id, true],
      ]),
    );
  });

  it('reactivate, and assign of a former mentor (which reactivates): both checked', async () => {
    const m = await loadedMentor(0, 1);
    const [w1, w2, w3] = [await f.worklet(), await f.worklet(), await f.worklet()];
    await api().assignments.assign({ workletId: w1.id, mentorId: m.id });
    await api().assignments.assign({ workletId: w2.id, mentorId: m.id, allowOverCapacity: true });
    const [a1] = await f.assignments(w1.id);
    const [a2] = await f.assignments(w2.id);
    await api().assignments.deactivate({ assignmentId: a1!.id });
    await api().assignments.deactivate({ assignmentId: a2!.id });
    await api().assignments.assign({ workletId: w3.id, mentorId: m.id });
    // Full again (1 of 1): coming back to w1 and w2 needs the override.
    await rejectsWithoutWriting(f, () => api().assignments.reactivate({ assignmentId: a1!.id }), 'CONFLICT');
    await rejectsWithoutWriting(f, () => api().assignments.assign({ workletId: w2.id, mentorId: m.id }), 'CONFLICT');
    await api().assignments.reactivate({ assignmentId: a1!.id, allowOverCapacity: true });
    expect(await lastEvent(w1.id)).toMatchObject({ type: 'reactivated', capacityOverride: true });
    await api().assignments.assign({ workletId: w2.id, mentorId: m.id, allowOverCapacity: true });
    expect(await lastEvent(w2.id)).toMatchObject({ type: 'reactivated', capacityOverride: true });
    expect((await api().mentors.byId({ mentorId: m.id })).workload.total).toBe(3);
  });

  it('concurrent assigns of one mentor to different worklets cannot both pass the check', async () => {
    const m = await loadedMentor(0, 3);
    const worklets = [];
    for (let i = 0; i < 12; i++) worklets.push(await f.worklet());
    const settled = await Promise.allSettled(
      worklets.map((w) => api().assignments.assign({ workletId: w.id, mentorId: m.id })),
    );
    const ok = settled.filter((s) => s.status === 'fulfilled');
    const refused = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason] : []));
    expect(ok).toHaveLength(3);
    expect(refused).toHaveLength(9);
    for (const error of refused) expect(overCapacityDetails(error)).toMatchObject([{ id: m.id, capacity: 3 }]);
    expect(await f.db.prisma.mentorWorkletAssignment.count({ where: { mentorId: m.id, isActive: true } })).toBe(3);
  });
});

describe('settings and capacities', () => {
  it('the program default: admins read and change it (0..1000); it applies to mentors without their own', async () => {
    expect(await api().settings.get()).toMatchObject({ defaultMentorCapacity: 8 });
    const m = await loadedMentor(3);
    const own = await loadedMentor(3, 5);
    expect(await api().settings.update({ defaultMentorCapacity: 2 })).toMatchObject({ defaultMentorCapacity: 2 });
    expect(await api().mentors.byId({ mentorId: m.id })).toMatchObject({ capacity: 2, overCapacity: true });
    expect(await api().mentors.byId({ mentorId: own.id })).toMatchObject({ capacity: 5, overCapacity: false });
    await api().settings.update({ defaultMentorCapacity: 8 });
    for (const bad of [-1, 1001, 2.5]) {
      await rejectsWithoutWriting(f, () => api().settings.update({ defaultMentorCapacity: bad }), 'BAD_REQUEST');
      await rejectsWithoutWriting(f, () => api().mentors.setCapacity({ mentorId: m.id, capacity: bad }), 'BAD_REQUEST');
    }
    expect((await caught(api(m).settings.get())).code).toBe('FORBIDDEN');
    expect((await caught(api(m).settings.update({ defaultMentorCapacity: 3 }))).code).toBe('FORBIDDEN');
    expect((await caught(api(m).mentors.setCapacity({ mentorId: m.id, capacity: 30 }))).code).toBe('FORBIDDEN');
    const student = await f.user('student');
    await rejectsWithoutWriting(f, () => api().mentors.setCapacity({ mentorId: student.id, capacity: 3 }), 'NOT_FOUND');
  });
});

type ListItem = RouterOutputs['mentors']['list']['items'][number];

/** Every mentor, by SQL written apart from the API's: open workload, capacity, load order. */
async function oracle() {
  const result = await f.db.pool.query<{ id: number; total: number; capacity: number }>(`
    SELECT u.id, count(w.id)::int AS total,
           COALESCE(u.capacity, (SELECT default_mentor_capacity FROM program_settings)) AS capacity
    FROM users u
    LEFT JOIN mentor_worklet_assignments a ON a.mentor_id = u.id AND a.is_active
    LEFT JOIN worklets w ON w.id = a.worklet_id AND w.status IN ('draft', 'active')
    WHERE u.role = 'mentor'
    GROUP BY u.id
    ORDER BY count(w.id) - COALESCE(u.capacity, (SELECT default_mentor_capacity FROM program_settings)) DESC, u.name, u.id`);
  return result.rows;
}

async function allPages(input: { sort?: 'name' | 'load'; overCapacity?: boolean; search?: string }, limit: number) {
  const items: ListItem[] = [];
  let cursor: number | null = null;
  do {
    const page: RouterOutputs['mentors']['list'] = await api().mentors.list({ ...input, limit, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

describe('lists, sort, filter and coverage: one definition', () => {
  beforeAll(async () => {
    await loadedMentor(5, 3, 'Load Over Two');
    await loadedMentor(4, 3, 'Load Over One');
    await loadedMentor(4, 3, 'Load Over One');
    await loadedMentor(3, 3, 'Load Full');
    await loadedMentor(0, 0, 'Load Empty');
  });

  it('sorts by load (open worklets minus capacity, then name) on every page size', async () => {
    const expected = (await oracle()).map((r) => r.id);
    for (const limit of [1, 2, 7, 100]) {
      expect(
        (await allPages({ sort: 'load' }, limit)).map((m) => m.id),
        `limit ${limit}`,
      ).toEqual(expected);
    }
  });

  it('the over-capacity filter, the items’ flag and the coverage count agree with the oracle', async () => {
    const over = (await oracle()).filter((r) => r.total > r.capacity).map((r) => r.id);
    expect(over.length).toBeGreaterThan(3);
    for (const sort of ['name', 'load'] as const) {
      const filtered = await allPages({ sort, overCapacity: true }, 2);
      expect(filtered.map((m) => m.id).sort((a, b) => a - b)).toEqual([...over].sort((a, b) => a - b));
      expect(filtered.every((m) => m.overCapacity && m.workload.total > m.capacity)).toBe(true);
    }
    const everyone = await allPages({}, 100);
    expect(
      everyone
        .filter((m) => m.overCapacity)
        .map((m) => m.id)
        .sort((a, b) => a - b),
    ).toEqual([...over].sort((a, b) => a - b));
    expect((await api().worklets.coverage()).mentorsOverCapacity).toBe(over.length);
    const searched = await allPages({ overCapacity: true, search: 'load over', sort: 'load' }, 1);
    expect(searched.map((m) => m.name)).toEqual(['Load Over Two', 'Load Over One', 'Load Over One']);
    // The picker carries the same numbers.
    const picked = await api().mentors.search({ query: 'Load Over Two' });
    expect(picked).toMatchObject([{ workload: { Secondary: 5, total: 5 }, capacity: 3, overCapacity: true }]);
  });

  it('a mentor page of the list, the picker and the coverage cost a constant number of statements', async () => {
    for (let i = 0; i < 30; i++) await loadedMentor(i % 3, null, `Counted ${i}`);
    const cost = async (call: () => Promise<unknown>) => {
      statements.length = 0;
      await call();
      return statements.length;
    };
    const first = await api().mentors.list({ limit: 5, sort: 'load' });
    const costs = {
      name5: await cost(() => api().mentors.list({ limit: 5 })),
      name50: await cost(() => api().mentors.list({ limit: 50 })),
      load5: await cost(() => api().mentors.list({ limit: 5, sort: 'load', overCapacity: true, search: 'o' })),
      load50: await cost(() => api().mentors.list({ limit: 50, sort: 'load' })),
      nextPage: await cost(() => api().mentors.list({ limit: 50, sort: 'load', cursor: first.nextCursor })),
      search5: await cost(() => api().mentors.search({ limit: 5 })),
      search50: await cost(() => api().mentors.search({ limit: 50 })),
      coverage: await cost(() => api().worklets.coverage()),
    };
    expect(costs).toEqual({
      name5: 1,
      name50: 1,
      load5: 1,
      load50: 1,
      nextPage: 2,
      search5: 1,
      search50: 1,
      coverage: 3,
    });
  });
});

describe('rule 5 in the writes that span worklets', () => {
  it('a bulk addition counts every worklet it joins: one CONFLICT for the request, then overrides past the capacity', async () => {
    const m = await loadedMentor(1, 3, 'Bulk Mentor');
    const ws = await Promise.all([1, 2, 3, 4].map(() => f.worklet()));
    const bulk = (allowOverCapacity: boolean) =>
      api().batches.bulk({
        target: { ids: ws.map((w) => w.id) },
        action: { kind: 'addMentor', mentorId: m.id, role: 'Secondary' },
        allowOverCapacity,
      });
    const error = await rejectsWithoutWriting(f, () => bulk(false), 'CONFLICT', /would have 5 open worklets/);
    expect(overCapacityDetails(error)).toEqual([{ id: m.id, name: 'Bulk Mentor', workload: 5, capacity: 3 }]);
    const done = await bulk(true);
    expect(done.done).toBe(4);
    const events = await f.db.prisma.assignmentEvent.findMany({
      where: { batchId: done.batchId! },
      orderBy: { workletId: 'asc' },
      select: { capacityOverride: true },
    });
    // Load 1, capacity 3: the 2nd and 3rd joins fit, the 4th and 5th are confirmed overrides.
    expect(events.map((e) => e.capacityOverride)).toEqual([false, false, true, true]);
  });

  it('an undo that would take a mentor over capacity is refused and says why', async () => {
    const m = await loadedMentor(0, 1, 'Undo Mentor');
    const [a, b] = [await f.worklet(), await f.worklet()];
    const first = await api().assignments.assign({ workletId: a.id, mentorId: m.id, role: 'Secondary' });
    const removed = await api().assignments.deactivate({ assignmentId: first.mentors[0]!.assignmentId });
    await api().assignments.assign({ workletId: b.id, mentorId: m.id, role: 'Secondary' });
    const error = await rejectsWithoutWriting(
      f,
      () => api().batches.undo({ batchId: removed.batchId! }),
      'CONFLICT',
      /Undo Mentor would have 2 open worklets, over their capacity of 1/,
    );
    expect(error.message).toMatch(/assign them from the worklet to confirm/);
  });

  it('a reactivation restores only up to the capacity', async () => {
    const m = await loadedMentor(3, 2, 'Restore Mentor');
    await api().users.setActive({ id: m.id, isActive: false });
    const offer = await api().users.deactivationRestorable({ id: m.id });
    expect(offer.rows.map((r) => r.restoreAs !== null)).toEqual([true, true, false]);
    expect(offer.rows[2]!.note).toMatch(/Restore Mentor would have 3 open worklets, over their capacity of 2/);
    await api().users.setActive({
      id: m.id,
      isActive: true,
      restoreAssignmentIds: offer.rows.map((r) => r.assignmentId),
    });
    const workload = await api().mentors.byId({ mentorId: m.id });
    expect(workload.workload.total).toBe(2);
  });
});
