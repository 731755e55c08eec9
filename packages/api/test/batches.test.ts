/**
 * Change batches: every save is one batch (its events share the id the procedure returns),
 * bulk changes on selected or matching worklets (one transaction, a result per worklet),
 * undo (exact, all or nothing, refused with reasons), and a reactivation restoring what the
 * user's deactivation ended.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../src/context.ts';
import type { DetailedError } from '../src/errors.ts';
import { type ApiFixture, createApiFixture } from './api-fixture.ts';
import { caught, rejectsWithoutWriting } from './helpers.ts';

const statements: string[] = [];
let f: ApiFixture;
let admin: SessionUser;
let mentor: SessionUser;
let student: SessionUser;

beforeAll(async () => {
  f = await createApiFixture({ onQuery: (sql) => statements.push(sql) });
  admin = await f.user('admin', { name: 'Ada Admin' });
  mentor = await f.user('mentor');
  // This file's mentor joins dozens of open worklets: capacity (rule 5) is tested in capacity.test.ts.
  await f.db.prisma.user.update({ where: { id: mentor.id }, data: { capacity: 1000 } });
  student = await f.user('student');
});
afterAll(async () => {
  await f?.close();
});

const api = (user: SessionUser = admin) => f.callerFor(user);

/** Active mentors of a worklet as `mentorId:role`, sorted: the state an undo must restore. */
async function mentorState(workletId: number): Promise<string[]> {
  const rows = await f.assignments(workletId);
  return rows
    .filter((a) => a.isActive)
    .map((a) => `${a.mentorId}:${a.roleType}`)
    .sort();
}

async function batchIds(workletId: number): Promise<(number | null)[]> {
  return (await f.events({ workletId })).map((e) => e.batchId);
}

async function batchCount(): Promise<number> {
  return f.db.prisma.changeBatch.count();
}

function cannotUndo(error: { cause?: unknown }) {
  return (error.cause as DetailedError).details.cannotUndo ?? [];
}

describe('every save is one batch', () => {
  it('a mentor set save: its events share one batch id, which the procedure returns', async () => {
    const [a, b] = [await f.user('mentor'), await f.user('mentor')];
    const w = await f.worklet();
    const saved = await api().assignments.setMentors({
      workletId: w.id,
      expectedVersion: 1,
      mentors: [
        { mentorId: a.id, role: 'Primary' },
        { mentorId: b.id, role: 'Secondary' },
      ],
    });
    expect(saved.batchId).toEqual(expect.any(Number));
    expect(await batchIds(w.id)).toEqual([saved.batchId, saved.batchId]);
    const batch = await f.db.prisma.changeBatch.findUniqueOrThrow({ where: { id: saved.batchId! } });
    expect(batch).toMatchObject({ kind: 'edit', actorId: admin.id, actorName: 'Ada Admin', undoneById: null });

    // A save that changes nothing writes no batch and returns null.
    const before = await batchCount();
    const same = await api().assignments.setMentors({
      workletId: w.id,
      expectedVersion: saved.version,
      mentors: [
        { mentorId: a.id, role: 'Primary' },
        { mentorId: b.id, role: 'Secondary' },
      ],
    });
    expect(same.batchId).toBeNull();
    expect(await batchCount()).toBe(before);
  });

  it('single assignment writes, field edits and archive return their batch; edits keep the old values', async () => {
    const w = await f.worklet({ title: 'Batch fields one' });
    const assigned = await api().assignments.assign({ workletId: w.id, mentorId: mentor.id });
    const updated = await api().worklets.update({
      id: w.id,
      expectedVersion: assigned.version,
      title: 'Batch fields two',
      status: 'completed',
    });
    const archived = await api().worklets.archive({ workletId: w.id });
    const ids = [assigned.batchId, updated.batchId, archived.batchId];
    expect(new Set(ids).size).toBe(3);
    expect(await batchIds(w.id)).toEqual(ids);
    const events = await f.events({ workletId: w.id });
    expect(events[1]!.previousValues).toEqual({ title: 'Batch fields one', status: 'active' });
    expect(events[2]!.previousValues).toEqual({ status: 'completed' });
    expect((await api().worklets.archive({ workletId: w.id })).batchId).toBeNull();
  });
});

describe('bulk changes', () => {
  it('adds a mentor to selected worklets: a result per worklet, one batch for the whole change', async () => {
    const other = await f.user('mentor', { name: 'Pia Primary' });
    const [free, hasPrimary, already, archived] = [
      await f.worklet({ title: 'Bulk free' }),
      await f.worklet({ title: 'Bulk has primary' }),
      await f.worklet({ title: 'Bulk already' }),
      await f.worklet({ title: 'Bulk archived', status: 'archived' }),
    ];
    await api().assignments.assign({ workletId: hasPrimary.id, mentorId: other.id, role: 'Primary' });
    await api().assignments.assign({ workletId: already.id, mentorId: mentor.id, role: 'Collaborator' });
    const before = await batchCount();
    const result = await api().batches.bulk({
      target: { ids: [archived.id, already.id, hasPrimary.id, free.id, 2_000_000] },
      action: { kind: 'addMentor', mentorId: mentor.id, role: 'Primary' },
    });
    expect(result).toMatchObject({ done: 1, skipped: 4 });
    const byId = new Map(result.rows.map((r) => [r.workletId, r]));
    expect(byId.get(free.id)).toMatchObject({ result: 'done', reason: null, title: 'Bulk free' });
    expect(byId.get(hasPrimary.id)?.reason).toMatch(/Pia Primary is the Primary mentor already/);
    expect(byId.get(already.id)?.reason).toMatch(/already assigned as Collaborator/);
    expect(byId.get(archived.id)?.reason).toMatch(/archived/);
    expect(byId.get(2_000_000)?.reason).toMatch(/not found/);
    expect(result.rows.map((r) => r.workletId)).toEqual(
      [free.id, hasPrimary.id, already.id, archived.id, 2_000_000].sort((a, b) => a - b),
    );
    expect(await batchCount()).toBe(before + 1);
    expect(await mentorState(free.id)).toEqual([`${mentor.id}:Primary`]);
    expect((await f.events({ workletId: free.id })).map((e) => e.batchId)).toEqual([result.batchId]);
    expect(await f.legacyMentorId(free.id)).toBe(mentor.id);

    // With replacePrimary the current Primary becomes Secondary, in the same batch.
    const replaced = await api().batches.bulk({
      target: { ids: [hasPrimary.id] },
      action: { kind: 'addMentor', mentorId: mentor.id, role: 'Primary', replacePrimary: true },
    });
    expect(replaced.done).toBe(1);
    expect(await mentorState(hasPrimary.id)).toEqual([`${mentor.id}:Primary`, `${other.id}:Secondary`].sort());
    const last = (await f.events({ workletId: hasPrimary.id })).slice(-2);
    expect(last.map((e) => [e.type, e.batchId])).toEqual([
      ['role_changed', replaced.batchId],
      ['assigned', replaced.batchId],
    ]);
    expect(await f.legacyViolations()).toEqual([]);
  });

  it('changes the status of every worklet matching the list filters, and removes a mentor', async () => {
    const tag = `Matchbulk ${f.unique()}`;
    const ws = [
      await f.worklet({ title: `${tag} a`, status: 'draft' }),
      await f.worklet({ title: `${tag} b`, status: 'draft' }),
      await f.worklet({ title: `${tag} c`, status: 'completed' }),
    ];
    const result = await api().batches.bulk({
      target: { matching: { search: tag } },
      action: { kind: 'setStatus', status: 'completed' },
    });
    expect(result.rows.map((r) => [r.workletId, r.result])).toEqual([
      [ws[0]!.id, 'done'],
      [ws[1]!.id, 'done'],
      [ws[2]!.id, 'skipped'],
    ]);
    expect(result.rows[2]!.reason).toMatch(/completed already/);
    const events = await f.events({ workletId: ws[0]!.id });
    expect(events.map((e) => [e.type, e.batchId, e.previousValues])).toEqual([
      ['worklet_updated', result.batchId, { status: 'draft' }],
    ]);

    await api().assignments.assign({ workletId: ws[1]!.id, mentorId: mentor.id, role: 'Secondary' });
    const removed = await api().batches.bulk({
      target: { matching: { search: tag, mentorId: mentor.id } },
      action: { kind: 'removeMentor', mentorId: mentor.id },
    });
    expect(removed).toMatchObject({ done: 1, skipped: 0 });
    const notThere = await api().batches.bulk({
      target: { ids: [ws[0]!.id] },
      action: { kind: 'removeMentor', mentorId: mentor.id },
    });
    expect(notThere).toMatchObject({ done: 0, skipped: 1, batchId: null });
    expect(notThere.rows[0]!.reason).toMatch(/is not assigned/);
  });

  it('refuses more matching worklets than the maximum, and whole-request rule breaks, writing nothing', async () => {
    const tag = `Toomany ${f.unique()}`;
    await f.db.prisma.worklet.createMany({ data: Array.from({ length: 501 }, (_, i) => ({ title: `${tag} ${i}` })) });
    await rejectsWithoutWriting(
      f,
      () =>
        api().batches.bulk({
          target: { matching: { search: tag } },
          action: { kind: 'setStatus', status: 'active' },
        }),
      'BAD_REQUEST',
      /More than 500 worklets match/,
    );
    const w = await f.worklet();
    const gone = await f.user('mentor', { isActive: false });
    await rejectsWithoutWriting(
      f,
      () =>
        api().batches.bulk({
          target: { ids: [w.id] },
          action: { kind: 'addMentor', mentorId: gone.id, role: 'Secondary' },
        }),
      'BAD_REQUEST',
      /deactivated/,
    );
    await rejectsWithoutWriting(
      f,
      () =>
        api().batches.bulk({
          target: { ids: [w.id] },
          action: { kind: 'addMentor', mentorId: student.id, role: 'Secondary' },
        }),
      'BAD_REQUEST',
      /not a mentor/,
    );
    await rejectsWithoutWriting(
      f,
      () => api(mentor).batches.bulk({ target: { ids: [w.id] }, action: { kind: 'setStatus', status: 'draft' } }),
      'FORBIDDEN',
    );
  });

  it('is one transaction: a failure on a later worklet leaves the earlier ones unwritten', async () => {
    const ws = [await f.worklet(), await f.worklet(), await f.worklet()];
    // A trigger makes the event insert of the middle worklet fail, after the first was written.
    await f.db.pool.query(`
      CREATE FUNCTION fail_bulk_test() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.worklet_id = ${ws[1]!.id} THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER fail_bulk_test BEFORE INSERT ON assignment_events FOR EACH ROW EXECUTE FUNCTION fail_bulk_test();`);
    try {
      await rejectsWithoutWriting(
        f,
        () =>
          api().batches.bulk({
            target: { ids: ws.map((w) => w.id) },
            action: { kind: 'addMentor', mentorId: mentor.id, role: 'Collaborator' },
          }),
        'INTERNAL_SERVER_ERROR',
      );
    } finally {
      await f.db.pool.query('DROP TRIGGER fail_bulk_test ON assignment_events; DROP FUNCTION fail_bulk_test();');
    }
  });

  it('costs the same number of statements for 13 worklets as for 3', async () => {
    const small = await Promise.all(Array.from({ length: 3 }, () => f.worklet()));
    const large = await Promise.all(Array.from({ length: 13 }, () => f.worklet()));
    const cost = async (ws: { id: number }[]) => {
      statements.length = 0;
      await api().batches.bulk({
        target: { ids: ws.map((w) => w.id) },
        action: { kind: 'addMentor', mentorId: mentor.id, role: 'Secondary' },
        allowOverCapacity: true,
      });
      return statements.length;
    };
    const [a, b] = [await cost(small), await cost(large)];
    // Every worklet's assignment in one INSERT, one sync of the worklets, one INSERT of the events.
    expect(b).toBe(a);
    expect(a).toBeLessThanOrEqual(12);
  });

  it('an undo too: the same number of statements for 13 worklets as for 3', async () => {
    const cost = async (size: number) => {
      const ws = await Promise.all(Array.from({ length: size }, () => f.worklet()));
      const bulk = await api().batches.bulk({
        target: { ids: ws.map((w) => w.id) },
        action: { kind: 'addMentor', mentorId: mentor.id, role: 'Secondary' },
        allowOverCapacity: true,
      });
      statements.length = 0;
      await api().batches.undo({ batchId: bulk.batchId! });
      return statements.length;
    };
    const [a, b] = [await cost(3), await cost(13)];
    // The deactivations in one UPDATE, one sync of the worklets, one INSERT of the events.
    expect(b).toBe(a);
    expect(a).toBeLessThanOrEqual(14);
  });
});

describe('undo', () => {
  it('reverts a mentor set save exactly (assignments, roles, legacy column), and a redo', async () => {
    const [a, b, c] = [await f.user('mentor'), await f.user('mentor'), await f.user('mentor')];
    const w = await f.worklet();
    const first = await api().assignments.setMentors({
      workletId: w.id,
      expectedVersion: 1,
      mentors: [
        { mentorId: a.id, role: 'Primary' },
        { mentorId: b.id, role: 'Secondary' },
      ],
    });
    const before = await mentorState(w.id);
    const save = await api().assignments.setMentors({
      workletId: w.id,
      expectedVersion: first.version,
      mentors: [
        { mentorId: b.id, role: 'Primary' },
        { mentorId: c.id, role: 'Collaborator' },
      ],
    });
    const after = await mentorState(w.id);
    const undone = await api().batches.undo({ batchId: save.batchId! });
    expect(await mentorState(w.id)).toEqual(before);
    expect(await f.legacyMentorId(w.id)).toBe(a.id);
    const original = await f.db.prisma.changeBatch.findUniqueOrThrow({ where: { id: save.batchId! } });
    expect(original.undoneById).toBe(undone.batchId);
    const undoBatch = await api().batches.byId({ batchId: undone.batchId });
    expect(undoBatch).toMatchObject({ kind: 'undo', undoesBatchId: save.batchId, undoneById: null });
    expect(undoBatch.changes.map((e) => e.type).sort()).toEqual(['deactivated', 'reactivated', 'role_changed']);

    await rejectsWithoutWriting(f, () => api().batches.undo({ batchId: save.batchId! }), 'CONFLICT', /undone already/);
    // Undoing the undo redoes the save.
    await api().batches.undo({ batchId: undone.batchId });
    expect(await mentorState(w.id)).toEqual(after);
    expect(await f.legacyMentorId(w.id)).toBe(b.id);
    expect(await f.legacyViolations()).toEqual([]);
  });

  it('reverts field edits and a bulk status change across worklets', async () => {
    const w = await f.worklet({ title: 'Undo fields before' });
    const v = await f.version(w.id);
    const edit = await api().worklets.update({
      id: w.id,
      expectedVersion: v,
      title: 'Undo fields after',
      description: 'new',
    });
    await api().batches.undo({ batchId: edit.batchId! });
    const row = await f.db.prisma.worklet.findUniqueOrThrow({ where: { id: w.id } });
    expect(row).toMatchObject({ title: 'Undo fields before', description: '', status: 'active' });

    const ws = [await f.worklet({ status: 'draft' }), await f.worklet({ status: 'completed' })];
    const bulk = await api().batches.bulk({
      target: { ids: ws.map((x) => x.id) },
      action: { kind: 'setStatus', status: 'archived' },
    });
    await api().batches.undo({ batchId: bulk.batchId! });
    const statuses = await f.db.prisma.worklet.findMany({
      where: { id: { in: ws.map((x) => x.id) } },
      select: { status: true },
      orderBy: { id: 'asc' },
    });
    expect(statuses.map((s) => s.status)).toEqual(['draft', 'completed']);
  });

  it('is refused with the list of what changed since, and writes nothing', async () => {
    const [a, b] = [await f.user('mentor', { name: 'Ana Silva' }), await f.user('mentor')];
    const bob = await f.user('admin', { name: 'Bob Admin' });
    const [w1, w2] = [await f.worklet({ title: 'Undo stale one' }), await f.worklet({ title: 'Undo stale two' })];
    const bulk = await api().batches.bulk({
      target: { ids: [w1.id, w2.id] },
      action: { kind: 'addMentor', mentorId: b.id, role: 'Secondary' },
    });
    await api(bob).assignments.assign({ workletId: w1.id, mentorId: a.id, role: 'Primary' });
    const error = await rejectsWithoutWriting(
      f,
      () => api().batches.undo({ batchId: bulk.batchId! }),
      'CONFLICT',
      /cannot be undone/,
    );
    expect(cannotUndo(error)).toEqual([
      {
        workletId: w1.id,
        title: 'Undo stale one',
        reason: expect.stringMatching(
          /^“Undo stale one” changed since: Ana Silva was added as Primary by Bob Admin at \d\d:\d\d UTC\.$/,
        ),
      },
    ]);
    expect(await mentorState(w2.id)).toEqual([`${b.id}:Secondary`]);
  });

  it('two undos of one batch at the same moment: one reverts it, the other is refused', async () => {
    const w = await f.worklet();
    const saved = await api().assignments.assign({ workletId: w.id, mentorId: mentor.id, role: 'Secondary' });
    const results = await Promise.allSettled([
      api().batches.undo({ batchId: saved.batchId! }),
      api().batches.undo({ batchId: saved.batchId! }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason.code).toBe('CONFLICT');
    expect(await mentorState(w.id)).toEqual([]);
    const won = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ batchId: number }>).value;
    const original = await f.db.prisma.changeBatch.findUniqueOrThrow({ where: { id: saved.batchId! } });
    expect(original.undoneById).toBe(won.batchId);
    expect((await f.events({ workletId: w.id })).map((e) => e.type)).toEqual(['assigned', 'deactivated']);
  });

  it('refuses unknown batches and non-admins', async () => {
    expect((await caught(api().batches.undo({ batchId: 2_000_000 }))).code).toBe('NOT_FOUND');
    const w = await f.worklet();
    const saved = await api().assignments.assign({ workletId: w.id, mentorId: mentor.id });
    await rejectsWithoutWriting(f, () => api(mentor).batches.undo({ batchId: saved.batchId! }), 'FORBIDDEN');
    await rejectsWithoutWriting(f, () => api(student).batches.byId({ batchId: saved.batchId! }), 'FORBIDDEN');
  });
});

describe('user deactivation and reactivation', () => {
  it('deactivation is one batch; its undo waits for the user; reactivation restores what it can', async () => {
    const leaving = await f.user('mentor', { name: 'Lea Leaving' });
    const other = await f.user('mentor', { name: 'Otto Other' });
    const [w1, w2, w3] = [await f.worklet(), await f.worklet(), await f.worklet()];
    await api().assignments.assign({ workletId: w1.id, mentorId: leaving.id, role: 'Primary' });
    await api().assignments.assign({ workletId: w2.id, mentorId: leaving.id, role: 'Secondary' });
    await api().assignments.assign({ workletId: w3.id, mentorId: leaving.id, role: 'Collaborator' });
    const off = await api().users.setActive({ id: leaving.id, isActive: false });
    expect(off.batchId).toEqual(expect.any(Number));
    const batch = await f.db.prisma.changeBatch.findUniqueOrThrow({ where: { id: off.batchId! } });
    expect(batch).toMatchObject({ kind: 'user_deactivation', subjectUserId: leaving.id });
    for (const w of [w1, w2, w3]) expect(await batchIds(w.id)).toContain(off.batchId);

    // The user is still deactivated: an undo cannot bring them back.
    const error = await rejectsWithoutWriting(f, () => api().batches.undo({ batchId: off.batchId! }), 'CONFLICT');
    expect(cannotUndo(error).map((b) => b.reason)).toEqual([
      expect.stringMatching(/Lea Leaving is deactivated/),
      expect.stringMatching(/Lea Leaving is deactivated/),
      expect.stringMatching(/Lea Leaving is deactivated/),
    ]);

    // Meanwhile w1 got another Primary and w3 was archived.
    await api().assignments.assign({ workletId: w1.id, mentorId: other.id, role: 'Primary' });
    await api().worklets.archive({ workletId: w3.id });
    const restorable = await api().users.deactivationRestorable({ id: leaving.id });
    expect(restorable.batchId).toBe(off.batchId);
    const rows = new Map(restorable.rows.map((r) => [r.workletId, r]));
    expect(rows.get(w1.id)).toMatchObject({ formerRole: 'Primary', restoreAs: 'Secondary' });
    expect(rows.get(w1.id)?.note).toMatch(/Otto Other is Primary now/);
    expect(rows.get(w2.id)).toMatchObject({ formerRole: 'Secondary', restoreAs: 'Secondary', note: null });
    expect(rows.get(w3.id)).toMatchObject({ restoreAs: null, note: expect.stringMatching(/archived/) });

    const on = await api().users.setActive({
      id: leaving.id,
      isActive: true,
      restoreAssignmentIds: restorable.rows.map((r) => r.assignmentId),
    });
    expect(on.isActive).toBe(true);
    expect(on.restored.filter((r) => r.restoreAs).length).toBe(2);
    expect(await mentorState(w1.id)).toEqual([`${leaving.id}:Secondary`, `${other.id}:Primary`].sort());
    expect(await mentorState(w2.id)).toEqual([`${leaving.id}:Secondary`]);
    expect(await mentorState(w3.id)).toEqual([]);
    const reactivation = await f.db.prisma.changeBatch.findUniqueOrThrow({ where: { id: on.batchId! } });
    expect(reactivation).toMatchObject({ kind: 'user_reactivation', subjectUserId: leaving.id });

    // Now restored: nothing left to restore, and an assignment not ended by it is refused.
    const again = await api().users.deactivationRestorable({ id: leaving.id });
    expect(again.rows.every((r) => r.restoreAs === null)).toBe(true);
    const w4 = await f.worklet();
    const unrelated = await api().assignments.assign({ workletId: w4.id, mentorId: other.id });
    await api().users.setActive({ id: leaving.id, isActive: false });
    await rejectsWithoutWriting(
      f,
      () =>
        api().users.setActive({
          id: leaving.id,
          isActive: true,
          restoreAssignmentIds: unrelated.mentors.map((m) => m.assignmentId),
        }),
      'BAD_REQUEST',
      /not ended by this user's latest deactivation/,
    );
  });
});
