/**
 * worklets.table: every sort, both ways, pages through all matching worklets exactly once in
 * the database's own order (ties by id); its filters select the same worklets as the card
 * list's (Prisma) filters for every role; bad cursors are refused; a page is two statements.
 */
import { workletsChangedSql } from '@worklets/db';
import { type WorkletSort, workletSorts } from '@worklets/validators/worklets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../src/context.ts';
import type { RouterInputs } from '../src/root.ts';
import { type ApiFixture, createApiFixture } from './api-fixture.ts';
import { caught } from './helpers.ts';

type TableInput = RouterInputs['worklets']['table'];
type ListInput = Omit<RouterInputs['worklets']['list'], 'cursor'>;

const statements: string[] = [];
let f: ApiFixture;
let admin: SessionUser;
let student: SessionUser;
let mentors: SessionUser[];

const statuses = ['draft', 'active', 'completed', 'archived'] as const;

beforeAll(async () => {
  f = await createApiFixture({ onQuery: (sql) => statements.push(sql) });
  admin = await f.user('admin');
  student = await f.user('student');
  // Two mentors share a name, and names differ only by case: ties and collation are tested.
  const names = ['Zoe Park', 'ana Lopez', 'Ana Lopez', 'Ana Lopez', 'Bram 100%', 'Chen Wu'];
  mentors = [];
  for (const name of names) mentors.push(await f.user('mentor', { name }));

  const worklets = await f.db.prisma.worklet.createManyAndReturn({
    data: Array.from({ length: 47 }, (_, i) => ({
      // Repeated titles (ties by id), a 100% and an underscore for the search's escaping.
      // One legacy title longer than the form allows, in two-byte letters: its cursor must still fit.
      title:
        i === 46
          ? `Worklet ${'Überlänge '.repeat(200)}`
          : i % 9 === 0
            ? 'Same title'
            : `Worklet ${String.fromCharCode(97 + (i % 13))} ${i}${i === 5 ? ' 100%' : ''}`,
      status: statuses[i % 4]!,
    })),
    select: { id: true },
  });
  const roles = ['Secondary', 'Collaborator'] as const;
  const assignments = worklets.flatMap((w, i) => {
    const count = i % 4; // 0 to 3 mentors
    const withPrimary = i % 5 !== 2;
    return Array.from({ length: count }, (_, k) => ({
      workletId: w.id,
      mentorId: mentors[(i + k) % mentors.length]!.id,
      roleType: k === 0 && withPrimary ? ('Primary' as const) : roles[(i + k) % 2]!,
      assignedById: admin.id,
    }));
  });
  await f.db.prisma.mentorWorkletAssignment.createMany({ data: assignments });
  await f.db.pool.query(workletsChangedSql, [worklets.map((w) => w.id)]);
  // Last changes with ties: every third worklet shares a minute with its neighbours.
  await f.db.pool.query(
    `UPDATE worklets SET updated_at = timestamptz '2026-11-01 10:00:00+00' + ((id / 3) * interval '1 minute')`,
  );
  expect(await f.legacyViolations()).toEqual([]);
});
afterAll(async () => {
  await f?.close();
});

/** The order the database gives in one statement, without keyset paging: the oracle. */
async function expectedOrder(sort: WorkletSort, order: 'asc' | 'desc'): Promise<number[]> {
  const column = { title: 'w.title', status: 'w.status', mentors: 'w.active_mentors', updated: 'w.updated_at' };
  const by =
    sort === 'primary'
      ? `u.name ${order} NULLS ${order === 'asc' ? 'LAST' : 'FIRST'}, w.mentor_id ${order}, w.id ${order}`
      : `${column[sort]} ${order}, w.id ${order}`;
  const rows = await f.db.pool.query(
    `SELECT w.id FROM worklets w LEFT JOIN users u ON u.id = w.mentor_id ORDER BY ${by}`,
  );
  return rows.rows.map((r) => r.id as number);
}

async function allPages(viewer: SessionUser, input: TableInput) {
  const caller = f.callerFor(viewer);
  const ids: number[] = [];
  const totals = new Set<number>();
  let cursor: string | null = null;
  for (let page = 0; page < 200; page++) {
    const result = await caller.worklets.table({ ...input, cursor });
    ids.push(...result.items.map((i) => i.id));
    // The first page counts the matching worklets; later pages leave the total to it.
    if (page === 0) totals.add(result.total ?? -1);
    else expect(result.total).toBeNull();
    cursor = result.nextCursor;
    if (!cursor) return { ids, totals: [...totals] };
  }
  throw new Error('the table never ended');
}

async function allCards(viewer: SessionUser, input: ListInput) {
  const caller = f.callerFor(viewer);
  const ids: number[] = [];
  let cursor: number | null = null;
  do {
    const page = await caller.worklets.list({ ...input, cursor, limit: 100 });
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

describe('worklets.table', () => {
  for (const sort of workletSorts) {
    for (const order of ['asc', 'desc'] as const) {
      it(`sorted by ${sort} ${order}, pages through every worklet once, in order`, async () => {
        const expected = await expectedOrder(sort, order);
        for (const limit of [1, 7, 100]) {
          const { ids, totals } = await allPages(admin, { sort, order, limit });
          expect(ids, `limit ${limit}`).toEqual(expected);
          expect(totals).toEqual([expected.length]);
        }
      });
    }
  }

  it('shows what a row needs: the Primary by name, the number of active mentors, the last change', async () => {
    const { items } = await f.callerFor(admin).worklets.table({ sort: 'title', order: 'asc', limit: 100 });
    const db = await f.db.pool.query(
      `SELECT w.id, w.active_mentors, w.updated_at, u.id AS primary_id, u.name FROM worklets w LEFT JOIN users u ON u.id = w.mentor_id`,
    );
    const byId = new Map(db.rows.map((r) => [r.id as number, r]));
    expect(items.some((i) => i.primary === null)).toBe(true);
    for (const item of items) {
      const row = byId.get(item.id)!;
      expect(item.mentorCount).toBe(row.active_mentors);
      expect(item.updatedAt).toEqual(row.updated_at);
      expect(item.primary).toEqual(row.primary_id === null ? null : { id: row.primary_id, name: row.name });
    }
  });

  it('filters like the card list, alone and combined, for every role, with the right total', async () => {
    const filters: ListInput[] = [
      {},
      { status: 'active' },
      { mentorId: mentors[2]!.id },
      { search: 'same' },
      { search: '100%' },
      { search: '_' },
      { coverage: 'needs_primary' },
      { coverage: 'no_mentors' },
      { status: 'draft', coverage: 'needs_primary' },
      { status: 'active', mentorId: mentors[0]!.id, search: 'worklet' },
      { coverage: 'no_mentors', search: 'worklet' },
    ];
    const viewers = [admin, student, mentors[0]!, mentors[3]!];
    for (const viewer of viewers) {
      for (const filter of filters) {
        const cards = await allCards(viewer, filter);
        for (const sort of ['primary', 'updated'] as const) {
          const { ids, totals } = await allPages(viewer, { ...filter, sort, order: 'asc', limit: 5 });
          const label = `${viewer.role} ${JSON.stringify(filter)} by ${sort}`;
          expect(
            [...ids].sort((a, b) => a - b),
            label,
          ).toEqual([...cards].sort((a, b) => a - b));
          expect(totals, label).toEqual([cards.length]);
        }
      }
    }
  });

  it('agrees with the coverage counts', async () => {
    const coverage = await f.callerFor(admin).worklets.coverage();
    const table = f.callerFor(admin).worklets.table;
    expect((await table({ coverage: 'needs_primary', limit: 1 })).total).toBe(coverage.needsPrimary);
    expect((await table({ coverage: 'no_mentors', limit: 1 })).total).toBe(coverage.noMentors);
    expect(coverage.needsPrimary).toBeGreaterThan(coverage.noMentors);
  });

  it('keeps students to published worklets and mentors to their own', async () => {
    const asStudent = await allPages(student, { limit: 100 });
    const published = await f.db.prisma.worklet.findMany({
      where: { status: { in: ['active', 'completed'] } },
      select: { id: true },
    });
    expect(asStudent.ids.sort((a, b) => a - b)).toEqual(published.map((w) => w.id).sort((a, b) => a - b));
    const mentor = mentors[1]!;
    const asMentor = await allPages(mentor, { sort: 'primary', limit: 100 });
    const own = await f.db.prisma.worklet.findMany({
      where: { mentorAssignments: { some: { mentorId: mentor.id, isActive: true } } },
      select: { id: true },
    });
    expect(asMentor.ids.sort((a, b) => a - b)).toEqual(own.map((w) => w.id).sort((a, b) => a - b));
    expect(own.length).toBeGreaterThan(0);
  });

  it('refuses a cursor that is not its own with BAD_REQUEST', async () => {
    const table = f.callerFor(admin).worklets.table;
    const { nextCursor } = await table({ sort: 'title', order: 'asc', limit: 2 });
    expect(nextCursor).toBeTruthy();
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const bad = [
      'not a cursor',
      '%%%',
      forged({ sort: 'title' }),
      forged(['updated', 'asc', 'yesterday', 3]),
      forged(['mentors', 'asc', -1, 3]),
      forged(['status', 'asc', 'deleted', 3]),
      forged(['primary', 'asc', ['Ana', 'x'], 3]),
      forged(['title', 'asc', 'a', 0]),
      forged(['title', 'asc', 'a\u0000b', 3]),
    ];
    for (const cursor of bad) {
      const error = await caught(table({ sort: 'title', order: 'asc', cursor }));
      expect(error.code, cursor).toBe('BAD_REQUEST');
    }
    for (const other of [{ sort: 'updated' as const }, { order: 'desc' as const }]) {
      const error = await caught(table({ sort: 'title', order: 'asc', ...other, cursor: nextCursor }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(/reload/);
    }
  });

  it('costs two statements on the first page (the page and the total), one later, whatever its size and sort', async () => {
    const caller = f.callerFor(admin);
    for (const sort of workletSorts) {
      for (const input of [{}, { search: 'worklet', coverage: 'needs_primary' as const }]) {
        const cost = async (limit: number, cursor: string | null = null) => {
          statements.length = 0;
          const page = await caller.worklets.table({ ...input, sort, limit, cursor });
          return { count: statements.length, next: page.nextCursor };
        };
        const first = await cost(5);
        expect(first.next).toBeTruthy();
        const counts = [first.count, (await cost(100)).count, (await cost(5, first.next)).count];
        counts.push((await cost(100, first.next)).count);
        expect(counts, `${sort} ${JSON.stringify(input)}\n${statements.join('\n')}`).toEqual([2, 2, 1, 1]);
      }
    }
  });
});
