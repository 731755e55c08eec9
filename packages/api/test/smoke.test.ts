import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, createApiFixture } from './api-fixture.ts';

let f: ApiFixture;
beforeAll(async () => {
  f = await createApiFixture();
});
afterAll(async () => {
  await f.close();
});

describe('smoke', () => {
  it('assigns, replaces the Primary and lists', async () => {
    const admin = await f.user('admin');
    const [m1, m2] = [await f.user('mentor'), await f.user('mentor')];
    const w = await f.worklet();
    const api = f.callerFor(admin);
    const r1 = await api.assignments.assign({ workletId: w.id, mentorId: m1.id });
    expect(r1.mentors.map((m) => m.role)).toEqual(['Primary']);
    await expect(api.assignments.assign({ workletId: w.id, mentorId: m2.id, role: 'Primary' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const r2 = await api.assignments.assign({
      workletId: w.id,
      mentorId: m2.id,
      role: 'Primary',
      replacePrimary: true,
    });
    expect(r2.mentors.map((m) => [m.mentorId, m.role])).toEqual([
      [m2.id, 'Primary'],
      [m1.id, 'Secondary'],
    ]);
    const list = await api.worklets.list({ limit: 10 });
    expect(list.items[0]?.mentors).toHaveLength(2);
    expect(await f.legacyViolations()).toEqual([]);
    const detail = await api.worklets.byId({ workletId: w.id });
    expect(detail.history.items.map((e) => e.type)).toEqual(['assigned', 'role_changed', 'assigned']);
  });
});
