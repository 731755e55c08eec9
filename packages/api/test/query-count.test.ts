/**
 * One page of worklet cards costs a constant number of SQL statements, whatever its size
 * (no N+1 over worklets or mentors). Every statement the pool sends is counted, BEGIN and
 * COMMIT included, through the client's `onQuery` hook.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../src/context.ts';
import type { RouterInputs } from '../src/root.ts';
import { type ApiFixture, createApiFixture } from './api-fixture.ts';

type ListInput = RouterInputs['worklets']['list'];

const statements: string[] = [];
let f: ApiFixture;
let admin: SessionUser;
let mentors: SessionUser[];

beforeAll(async () => {
  f = await createApiFixture({ onQuery: (sql) => statements.push(sql) });
  admin = await f.user('admin');
  mentors = [];
  for (let i = 0; i < 10; i++) mentors.push(await f.user('mentor', { name: `Counted ${i}` }));

  const worklets = await f.db.prisma.worklet.createManyAndReturn({
    data: Array.from({ length: 120 }, (_, i) => ({
      title: `Counted worklet ${i} ${i % 2 === 0 ? 'even' : 'odd'}`,
      status: i % 5 === 0 ? 'draft' : 'active',
    })),
    select: { id: true },
  });
  const roles = ['Secondary', 'Collaborator'] as const;
  const assignments = worklets.flatMap((w, i) => {
    const count = 1 + (i % 3);
    // Every third worklet has no Primary, so the coverage filter finds some.
    const withPrimary = i % 3 !== 1;
    return Array.from({ length: count }, (_, k) => ({
      workletId: w.id,
      mentorId: mentors[(i + k) % mentors.length]!.id,
      roleType: k === 0 && withPrimary ? ('Primary' as const) : roles[(i + k) % 2]!,
      assignedById: admin.id,
    }));
  });
  await f.db.prisma.mentorWorkletAssignment.createMany({ data: assignments });
  await f.db.pool.query(`
    UPDATE worklets w SET mentor_id = a.mentor_id
    FROM mentor_worklet_assignments a WHERE a.worklet_id = w.id AND a.role_type = 'Primary' AND a.is_active`);
  expect(await f.legacyViolations()).toEqual([]);
});
afterAll(async () => {
  await f?.close();
});

/** Runs one list call and returns what it cost and what it returned. */
async function measure(viewer: SessionUser, input: ListInput) {
  const caller = f.callerFor(viewer);
  statements.length = 0;
  const page = await caller.worklets.list(input);
  const sent = [...statements];
  statements.length = 0;
  return {
    count: sent.length,
    sent,
    items: page.items.length,
    mentors: page.items.reduce((n, i) => n + i.mentors.length, 0),
  };
}

describe('worklets.list statement count', () => {
  it('is the same for 10 and 100 cards, with and without filters, and at most 4', async ({ annotate }) => {
    const filters: [string, ListInput, () => SessionUser][] = [
      ['none', {}, () => admin],
      ['status=active', { status: 'active' }, () => admin],
      ['mentorId', { mentorId: mentors[3]!.id }, () => admin],
      ['search', { search: 'EVEN' }, () => admin],
      ['coverage=needs_primary', { coverage: 'needs_primary' }, () => admin],
      ['status+search+coverage', { status: 'active', search: 'worklet', coverage: 'needs_primary' }, () => admin],
      ['as a mentor', {}, () => mentors[0]!],
    ];
    const lines: string[] = [];
    for (const [name, input, viewer] of filters) {
      const small = await measure(viewer(), { ...input, limit: 10 });
      const large = await measure(viewer(), { ...input, limit: 100 });
      const again = await measure(viewer(), { ...input, limit: 100 });
      lines.push(
        `${name}: limit 10 -> ${small.count} statements (${small.items} cards, ${small.mentors} mentors); limit 100 -> ${large.count} statements (${large.items} cards, ${large.mentors} mentors)`,
      );
      expect(small.items, name).toBeGreaterThan(0);
      expect(large.count, `${name}\n${large.sent.join('\n')}`).toBe(small.count);
      expect(again.count, name).toBe(large.count);
      expect(large.count, `${name}\n${large.sent.join('\n')}`).toBeLessThanOrEqual(4);
      expect(large.count).toBeGreaterThan(0);
    }
    const unfiltered = await measure(admin, { limit: 100 });
    expect(unfiltered.items).toBe(100);
    expect(unfiltered.mentors).toBeGreaterThan(150);
    await annotate(
      `QUERY-COUNT [${f.db.kind}] worklets.list, 120 worklets with 1-3 mentors each, every statement sent counted:\n  ${lines.join('\n  ')}`,
    );
  });

  it('counts every statement: a write shows its BEGIN and COMMIT', async () => {
    // Proves the counter sees transaction control too, so the figures above hide nothing.
    const w = await f.worklet();
    statements.length = 0;
    await f.callerFor(admin).assignments.assign({ workletId: w.id, mentorId: mentors[0]!.id, allowOverCapacity: true });
    const sent = [...statements];
    expect(sent[0]).toMatch(/^BEGIN/i);
    expect(sent.at(-1)).toMatch(/^COMMIT/i);
    expect(sent.length).toBeGreaterThan(4);
  });
});
