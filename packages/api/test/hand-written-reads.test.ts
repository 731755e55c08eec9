/**
 * The hot reads written as SQL (a worklet's mentors, a mentor's worklets, card pages) answer
 * exactly what the Prisma queries they replaced answered: the Prisma queries live on here as
 * the oracle, and every worklet, mentor, role and filter is compared value for value (dates
 * included), with ties in role and assignment time, deactivated assignments, tricky names and
 * titles, worklets without mentors and ids that do not exist.
 */
import { workletsChangedSql } from '@worklets/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockedWorkletMentors } from '../src/assignments/assignment-reads.ts';
import { activeAssignmentSelect, mentorOrder, toWorkletMentor } from '../src/assignments/assignment-select.ts';
import type { SessionUser } from '../src/context.ts';
import type { RouterInputs } from '../src/root.ts';
import { workletFilters } from '../src/worklets/list-worklets.ts';
import { visibleWorklets } from '../src/worklets/worklet-scope.ts';
import { type ApiFixture, createApiFixture } from './api-fixture.ts';
import { caught } from './helpers.ts';

type ListInput = Omit<RouterInputs['worklets']['list'], 'cursor' | 'limit'>;

let f: ApiFixture;
let admin: SessionUser;
let student: SessionUser;
let mentors: SessionUser[];
let workletIds: number[];

const statuses = ['draft', 'active', 'completed', 'archived'] as const;

beforeAll(async () => {
  f = await createApiFixture();
  admin = await f.user('admin');
  student = await f.user('student');
  const names = ['Zoe Park', 'ana Lopez', 'Ana Lopez', 'Bram 100%', 'Chen_Wu', 'O\'Brien "Q"'];
  mentors = [];
  for (const name of names) mentors.push(await f.user('mentor', { name }));
  const worklets = await f.db.prisma.worklet.createManyAndReturn({
    data: Array.from({ length: 41 }, (_, i) => ({
      title: i % 7 === 0 ? 'Same title' : `Worklet ${String.fromCharCode(97 + (i % 11))} ${i}${i === 5 ? ' 100%' : ''}`,
      description: i % 3 === 0 ? '' : `Notes for ${i}, with "quotes" and a\nnew line`,
      status: statuses[i % 4]!,
    })),
    select: { id: true },
  });
  workletIds = worklets.map((w) => w.id);
  // Up to four mentors each; some without a Primary; assignment times tie in pairs.
  const assignments = worklets.flatMap((w, i) =>
    Array.from({ length: i % 5 }, (_, k) => ({
      workletId: w.id,
      mentorId: mentors[(i + k) % mentors.length]!.id,
      // Same role and same time on one worklet (k 2 and 3; k 0 and 1 without a Primary): ties by id.
      roleType:
        k === 0 && i % 5 !== 3
          ? ('Primary' as const)
          : k === 1 && i % 2
            ? ('Collaborator' as const)
            : ('Secondary' as const),
      assignedById: admin.id,
      assignedAt: new Date(Date.UTC(2026, 10, 1, 9, 0, 0, Math.floor(k / 2) * 123)),
    })),
  );
  await f.db.prisma.mentorWorkletAssignment.createMany({ data: assignments });
  // Some assignments ended: history that no read may show.
  await f.db.pool.query(
    `UPDATE mentor_worklet_assignments SET is_active = false, role_type = 'Secondary'
     WHERE role_type = 'Collaborator' AND worklet_id % 3 = 0`,
  );
  await f.db.pool.query(workletsChangedSql, [workletIds]);
  const ties = await f.db.pool.query(
    `SELECT worklet_id FROM mentor_worklet_assignments WHERE is_active
     GROUP BY worklet_id, role_type, assigned_at HAVING count(*) > 1`,
  );
  expect(ties.rowCount).toBeGreaterThan(3);
  expect(await f.legacyViolations()).toEqual([]);
});

afterAll(async () => {
  await f?.close();
});

/** The Prisma queries of before, as they were. */
const oracle = {
  async workletMentors(user: SessionUser, workletId: number) {
    const worklet = await f.db.prisma.worklet.findFirst({
      where: { AND: [{ id: workletId }, visibleWorklets(user)] },
      select: {
        mentorAssignments: { where: { isActive: true }, select: activeAssignmentSelect, orderBy: mentorOrder },
      },
    });
    return worklet ? worklet.mentorAssignments.map(toWorkletMentor) : null;
  },
  async mentorWorklets(mentorId: number) {
    const mentor = await f.db.prisma.user.findUnique({
      where: { id: mentorId },
      select: {
        workletAssignments: {
          where: { isActive: true },
          select: {
            id: true,
            roleType: true,
            assignedAt: true,
            worklet: { select: { id: true, title: true, status: true } },
          },
          orderBy: [{ roleType: 'asc' }, { workletId: 'desc' }],
        },
      },
    });
    return mentor
      ? mentor.workletAssignments.map((a) => ({
          assignmentId: a.id,
          role: a.roleType,
          assignedAt: a.assignedAt,
          workletId: a.worklet.id,
          title: a.worklet.title,
          status: a.worklet.status,
        }))
      : null;
  },
  async cards(user: SessionUser, input: ListInput) {
    const rows = await f.db.prisma.worklet.findMany({
      where: { AND: [visibleWorklets(user), ...workletFilters(input)] },
      orderBy: { id: 'desc' },
      select: {
        ...{ id: true, title: true, description: true, status: true, version: true, updatedAt: true },
        mentorAssignments: { where: { isActive: true }, select: activeAssignmentSelect, orderBy: mentorOrder },
      },
    });
    return rows.map(({ mentorAssignments, ...row }) => {
      const mentors = mentorAssignments.map(toWorkletMentor);
      return { ...row, mentors, hasPrimary: mentors.some((m) => m.role === 'Primary') };
    });
  },
};

const viewers = () => [admin, student, mentors[0]!, mentors[2]!];

describe('hand-written reads answer what the Prisma queries answered', () => {
  it("a worklet's mentors, for every viewer and worklet (NOT_FOUND alike)", async () => {
    let compared = 0;
    for (const viewer of viewers()) {
      const caller = f.callerFor(viewer);
      for (const workletId of [...workletIds, 999_999]) {
        const expected = await oracle.workletMentors(viewer, workletId);
        if (expected === null) {
          expect((await caught(caller.assignments.workletMentors({ workletId }))).code).toBe('NOT_FOUND');
        } else {
          expect(await caller.assignments.workletMentors({ workletId })).toEqual(expected);
          compared += expected.length;
        }
      }
    }
    // The comparison covered mentors, not only empty lists.
    expect(compared).toBeGreaterThan(100);
  });

  it("a worklet's mentors as the writes answer them (lockedWorkletMentors, in a transaction)", async () => {
    for (const workletId of workletIds) {
      const inTx = await f.db.prisma.$transaction((tx) => lockedWorkletMentors(tx, workletId));
      expect(inTx).toEqual(await oracle.workletMentors(admin, workletId));
    }
  });

  it("a mentor's worklets, for every mentor, a student and a missing user (NOT_FOUND alike)", async () => {
    const caller = f.callerFor(admin);
    let compared = 0;
    for (const id of [...mentors.map((m) => m.id), student.id, 999_999]) {
      const expected = await oracle.mentorWorklets(id);
      if (expected === null) {
        expect((await caught(caller.assignments.mentorWorklets({ mentorId: id }))).code).toBe('NOT_FOUND');
      } else {
        expect(await caller.assignments.mentorWorklets({ mentorId: id })).toEqual(expected);
        compared += expected.length;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  const filters: ListInput[] = [
    {},
    ...statuses.map((status) => ({ status })),
    { coverage: 'needs_primary' },
    { coverage: 'no_mentors' },
    { search: 'same' },
    { search: '100%' },
    { search: '_' },
    { search: 'WORKLET B' },
    { status: 'active', coverage: 'needs_primary' },
    { search: 'worklet', status: 'draft', coverage: 'no_mentors' },
  ];

  it('card pages, for every viewer and filter, paged by 7', async () => {
    let cards = 0;
    for (const viewer of viewers())
      for (const input of [
        ...filters,
        { mentorId: mentors[1]!.id },
        { mentorId: mentors[3]!.id, status: 'active' as const },
      ]) {
        const caller = f.callerFor(viewer);
        const got = [];
        let cursor: number | null = null;
        do {
          const page = await caller.worklets.list({ ...input, cursor, limit: 7 });
          expect(page.items.length).toBeLessThanOrEqual(7);
          got.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor);
        expect(got).toEqual(await oracle.cards(viewer, input));
        cards += got.length;
      }
    expect(cards).toBeGreaterThan(200);
  });
});
