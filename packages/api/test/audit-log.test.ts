/**
 * history.list, the program-wide audit log: every filter alone and together, newest first by
 * (time, id) with ties, keyset pages that show every event once, inclusive date bounds, a
 * bad range refused, admins only, and the statements one page costs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../src/context.ts';
import type { RouterInputs } from '../src/root.ts';
import { type ApiFixture, createApiFixture } from './api-fixture.ts';
import { caught, fieldErrors, rejectsWithoutWriting } from './helpers.ts';

type ListInput = RouterInputs['history']['list'];
type EventType = NonNullable<ListInput['types']>[number];

const statements: string[] = [];
let f: ApiFixture;
let admin: SessionUser;
let otherAdmin: SessionUser;
let mentors: SessionUser[];
let worklets: { id: number }[];
/** What was inserted, oldest first: the expected answers are computed from it. */
let inserted: { id: number; type: EventType; occurredAt: Date; actorId: number; mentorId: number; workletId: number }[];

const types: EventType[] = ['assigned', 'role_changed', 'deactivated', 'reactivated', 'worklet_updated'];
const base = Date.UTC(2026, 0, 1);
const day = 86_400_000;

beforeAll(async () => {
  f = await createApiFixture({ onQuery: (sql) => statements.push(sql) });
  admin = await f.user('admin');
  otherAdmin = await f.user('admin');
  mentors = [await f.user('mentor'), await f.user('mentor'), await f.user('mentor')];
  worklets = [await f.worklet(), await f.worklet()];
  // 40 events over 10 days, four a day at the same instant (events of one transaction share a time).
  const data = Array.from({ length: 40 }, (_, i) => {
    const mentor = mentors[i % 3]!;
    const actor = i % 2 === 0 ? admin : otherAdmin;
    return {
      workletId: worklets[i % 2 === 0 ? 0 : 1]!.id,
      mentorId: mentor.id,
      mentorName: mentor.name,
      mentorEmail: mentor.email,
      actorId: actor.id,
      actorName: actor.name,
      type: types[i % 5]!,
      occurredAt: new Date(base + Math.floor(i / 4) * day),
      workletVersion: 1,
    };
  });
  const rows = await f.db.prisma.assignmentEvent.createManyAndReturn({
    data,
    select: { id: true, type: true, occurredAt: true, actorId: true, mentorId: true, workletId: true },
  });
  inserted = rows.map((r) => ({ ...r, actorId: r.actorId!, mentorId: r.mentorId! }));
});

afterAll(() => f?.db.close());

/** Every page of the log for these filters, following the cursors to the end. */
async function allPages(input: ListInput, as: SessionUser = admin) {
  const pages: number[][] = [];
  let cursor: number | null | undefined;
  do {
    const page = await f.callerFor(as).history.list({ ...input, cursor });
    pages.push(page.items.map((e) => e.id));
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 100);
  return pages;
}

/** The expected ids, newest first by (time, id). */
function expected(keep: (e: (typeof inserted)[number]) => boolean) {
  return inserted
    .filter(keep)
    .sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || b.id - a.id)
    .map((e) => e.id);
}

describe('history.list (audit log)', () => {
  it('lists every event newest first, ties broken by id, each once across pages', async () => {
    const pages = await allPages({ limit: 3 });
    expect(pages.flat()).toEqual(expected(() => true));
    expect(new Set(pages.flat()).size).toBe(40);
    expect(pages.every((p) => p.length <= 3)).toBe(true);
    expect(pages.length).toBe(14);
  });

  it('names the worklet, mentor, actor and time of each entry', async () => {
    const page = await f.callerFor(admin).history.list({ limit: 1 });
    const newest = inserted.find((e) => e.id === expected(() => true)[0])!;
    expect(page.items[0]).toMatchObject({
      id: newest.id,
      workletId: newest.workletId,
      mentorId: newest.mentorId,
      actorId: newest.actorId,
      occurredAt: newest.occurredAt,
    });
    expect(page.items[0]?.workletTitle).toMatch(/^Worklet /);
    expect(page.items[0]?.actorName).toBeTruthy();
  });

  it('filters by actor, mentor, worklet and type, each alone', async () => {
    expect((await allPages({ actorId: otherAdmin.id, limit: 7 })).flat()).toEqual(
      expected((e) => e.actorId === otherAdmin.id),
    );
    expect((await allPages({ mentorId: mentors[1]!.id, limit: 5 })).flat()).toEqual(
      expected((e) => e.mentorId === mentors[1]!.id),
    );
    expect((await allPages({ workletId: worklets[0]!.id, limit: 6 })).flat()).toEqual(
      expected((e) => e.workletId === worklets[0]!.id),
    );
    expect((await allPages({ types: ['deactivated', 'reactivated'], limit: 4 })).flat()).toEqual(
      expected((e) => e.type === 'deactivated' || e.type === 'reactivated'),
    );
    expect((await allPages({ types: [], limit: 100 })).flat()).toEqual(expected(() => true));
  });

  it('filters by an inclusive date range, ISO strings or dates', async () => {
    const from = new Date(base + 2 * day);
    const to = new Date(base + 4 * day);
    const inRange = (e: (typeof inserted)[number]) => e.occurredAt >= from && e.occurredAt <= to;
    expect((await allPages({ from, to, limit: 5 })).flat()).toEqual(expected(inRange));
    expect((await allPages({ from: from.toISOString(), to: to.toISOString(), limit: 100 })).flat()).toEqual(
      expected(inRange),
    );
    expect(expected(inRange)).toHaveLength(12);
    expect((await allPages({ from: to, limit: 100 })).flat()).toEqual(expected((e) => e.occurredAt >= to));
    expect((await allPages({ to: from, limit: 100 })).flat()).toEqual(expected((e) => e.occurredAt <= from));
    expect((await allPages({ from: to, to, limit: 100 })).flat()).toHaveLength(4);
  });

  it('combines every filter', async () => {
    const input = {
      actorId: admin.id,
      mentorId: mentors[0]!.id,
      workletId: worklets[0]!.id,
      types: ['assigned', 'deactivated', 'worklet_updated'] as EventType[],
      from: new Date(base + day),
      to: new Date(base + 8 * day),
      limit: 2,
    };
    const want = expected(
      (e) =>
        e.actorId === admin.id &&
        e.mentorId === mentors[0]!.id &&
        e.workletId === worklets[0]!.id &&
        input.types.includes(e.type) &&
        e.occurredAt >= input.from &&
        e.occurredAt <= input.to,
    );
    expect(want.length).toBeGreaterThan(0);
    expect((await allPages(input)).flat()).toEqual(want);
  });

  it('refuses a range that ends before it starts as BAD_REQUEST with a field error, writing nothing', async () => {
    const error = await rejectsWithoutWriting(
      f,
      () => f.callerFor(admin).history.list({ from: new Date(base + day), to: new Date(base) }),
      'BAD_REQUEST',
    );
    expect(fieldErrors(error).to).toEqual(['The end date must not be before the start date']);
    expect((await caught(f.callerFor(admin).history.list({ from: 'not a date' }))).code).toBe('BAD_REQUEST');
  });

  it('is for admins only', async () => {
    expect((await caught(f.callerFor(mentors[0]!).history.list({}))).code).toBe('FORBIDDEN');
    expect((await caught(f.callerFor(await f.user('student')).history.list({}))).code).toBe('FORBIDDEN');
    expect((await caught(f.callerFor(null).history.list({}))).code).toBe('UNAUTHORIZED');
  });

  it('reads the program-wide and the per-actor log from an index in (time, id) order', async () => {
    const client = await f.db.pool.connect();
    try {
      await client.query('BEGIN');
      // A tiny table: make the planner show which index serves the order, not its cheapest guess.
      await client.query('SET LOCAL enable_seqscan = off');
      await client.query('SET LOCAL enable_bitmapscan = off');
      const plan = async (where: string) =>
        (
          await client.query<{ 'QUERY PLAN': string }>(
            `EXPLAIN SELECT id FROM assignment_events ${where} ORDER BY occurred_at DESC, id DESC LIMIT 26`,
          )
        ).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n');
      const all = await plan('');
      expect(all).toContain('assignment_events_occurred_at_id_idx');
      expect(all).not.toContain('Sort');
      const byActor = await plan(`WHERE actor_id = ${admin.id}`);
      expect(byActor).toContain('assignment_events_actor_id_occurred_at_id_idx');
      expect(byActor).not.toContain('Sort');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('costs one statement for a page, whatever its size and filters', async () => {
    const counted = async (input: ListInput) => {
      statements.length = 0;
      const page = await f.callerFor(admin).history.list(input);
      const sent = [...statements];
      statements.length = 0;
      return { page, sent };
    };
    for (const input of [{ limit: 2 }, { limit: 100 }, { actorId: admin.id, types: ['assigned'] as EventType[] }]) {
      const { sent } = await counted(input);
      expect(sent, sent.join('\n')).toHaveLength(1);
    }
    // A later page first reads the cursor's (time, id): one lookup by primary key more, never per row.
    // (Prisma's own `cursor` seeks by a subquery, but then loads the worklet titles by a second
    // statement instead of a join: still two.)
    const first = await counted({ limit: 5 });
    const next = await counted({ limit: 5, cursor: first.page.nextCursor });
    expect(next.sent, next.sent.join('\n')).toHaveLength(2);
  });
});
