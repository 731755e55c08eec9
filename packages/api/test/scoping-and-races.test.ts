import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, createApiFixture } from './api-fixture.ts';

let f: ApiFixture;
beforeAll(async () => {
  f = await createApiFixture();
});
afterAll(async () => {
  await f.close();
});

describe('what students can read', () => {
  it('cannot read their own assignment lists or history, even by their own id', async () => {
    const student = await f.user('student');
    const api = f.callerFor(student);
    await expect(api.assignments.mentorWorklets({ mentorId: student.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(api.history.forMentor({ mentorId: student.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('sees a worklet and its active mentors, but not its history or former mentors', async () => {
    const admin = await f.user('admin');
    const [m1, m2] = [await f.user('mentor'), await f.user('mentor')];
    const w = await f.worklet({ status: 'active' });
    const adminApi = f.callerFor(admin);
    await adminApi.assignments.setMentors({
      workletId: w.id,
      expectedVersion: await f.version(w.id),
      mentors: [
        { mentorId: m1.id, role: 'Primary' },
        { mentorId: m2.id, role: 'Secondary' },
      ],
    });
    await adminApi.assignments.setMentors({
      workletId: w.id,
      expectedVersion: await f.version(w.id),
      mentors: [{ mentorId: m1.id, role: 'Primary' }],
    });
    const asStudent = await f.callerFor(await f.user('student')).worklets.byId({ workletId: w.id });
    expect(asStudent.mentors.map((m) => m.mentorId)).toEqual([m1.id]);
    expect(asStudent.inactiveMentors).toEqual([]);
    expect(asStudent.history.items).toEqual([]);
    const asAdmin = await adminApi.worklets.byId({ workletId: w.id });
    expect(asAdmin.inactiveMentors.map((m) => m.mentorId)).toEqual([m2.id]);
    expect(asAdmin.history.items).toHaveLength(3);
  });
});

describe('search text', () => {
  it('treats % and _ as the characters they are, not as wildcards', async () => {
    const admin = f.callerFor(await f.user('admin'));
    const literal = await f.worklet({ title: 'Cut energy use by 100% in idle mode' });
    const decoy = await f.worklet({ title: 'Scale to 1000 devices, abc edition' });
    const percent = await admin.worklets.list({ search: '100%', limit: 100 });
    expect(percent.items.map((w) => w.id)).toContain(literal.id);
    expect(percent.items.map((w) => w.id)).not.toContain(decoy.id);
    const underscore = await admin.worklets.list({ search: 'a_c', limit: 100 });
    expect(underscore.items.map((w) => w.id)).not.toContain(decoy.id);
    await f.user('mentor', { name: 'Zed_Underscore' });
    const mentors = await admin.mentors.search({ query: 'd_u' });
    expect(mentors.map((m) => m.name)).toEqual(['Zed_Underscore']);
  });
});

describe('deactivating a mentor while they are being assigned', () => {
  it('never leaves an inactive user with an active assignment', async () => {
    const admin = f.callerFor(await f.user('admin'));
    for (let round = 0; round < 8; round++) {
      const mentor = await f.user('mentor');
      const worklets = await Promise.all([f.worklet(), f.worklet(), f.worklet()]);
      const results = await Promise.allSettled([
        ...worklets.map((w) => admin.assignments.assign({ workletId: w.id, mentorId: mentor.id })),
        admin.users.setActive({ id: mentor.id, isActive: false }),
      ]);
      for (const r of results) {
        if (r.status === 'rejected')
          expect(['BAD_REQUEST', 'CONFLICT']).toContain((r.reason as { code?: string }).code);
      }
      expect(results.at(-1)?.status).toBe('fulfilled');
      const active = await f.db.prisma.mentorWorkletAssignment.count({
        where: { mentorId: mentor.id, isActive: true },
      });
      expect(active).toBe(0);
    }
    expect(await f.legacyViolations()).toEqual([]);
  });
});
