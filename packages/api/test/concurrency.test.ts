/**
 * Concurrent writes to one worklet: the worklet lock makes them run one after another, so
 * racing requests end with exactly the outcome a sequence would give, and the losers get a
 * CONFLICT (never a raw unique violation, a deadlock or a 500). On PGlite the pool has one
 * connection, so the race is serialised earlier; the outcome must be the same.
 */
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../src/context.ts';
import { DetailedError } from '../src/errors.ts';
import { type ApiFixture, createApiFixture } from './api-fixture.ts';

let f: ApiFixture;
let admin: SessionUser;

beforeAll(async () => {
  f = await createApiFixture();
  admin = await f.user('admin');
});
afterAll(async () => {
  await f?.close();
});

type Outcome<T> = { ok: T[]; conflicts: TRPCError[]; others: unknown[] };

async function race<T>(calls: (() => Promise<T>)[]): Promise<Outcome<T>> {
  const settled = await Promise.allSettled(calls.map((call) => call()));
  const outcome: Outcome<T> = { ok: [], conflicts: [], others: [] };
  for (const result of settled) {
    if (result.status === 'fulfilled') outcome.ok.push(result.value);
    else if (result.reason instanceof TRPCError && result.reason.code === 'CONFLICT')
      outcome.conflicts.push(result.reason);
    else outcome.others.push(result.reason);
  }
  return outcome;
}

const describeOthers = (others: unknown[]) =>
  others.map((e) => (e instanceof TRPCError ? `${e.code}: ${e.message} / ${String(e.cause)}` : String(e))).join('\n');

async function mentors(count: number): Promise<SessionUser[]> {
  const made: SessionUser[] = [];
  for (let i = 0; i < count; i++) made.push(await f.user('mentor'));
  return made;
}

async function activePrimaries(workletId: number) {
  return f.db.prisma.mentorWorkletAssignment.findMany({
    where: { workletId, isActive: true, roleType: 'Primary' },
    select: { mentorId: true },
  });
}

describe('concurrent writes to one worklet', () => {
  it('200 concurrent assigns of the same pair: 1 success, 199 CONFLICT, 1 row, 1 event', async () => {
    const w = await f.worklet();
    const [m] = await mentors(1);
    const api = f.callerFor(admin).assignments;
    const outcome = await race(
      Array.from({ length: 200 }, () => () => api.assign({ workletId: w.id, mentorId: m!.id })),
    );
    expect(outcome.others, describeOthers(outcome.others)).toEqual([]);
    expect(outcome.ok).toHaveLength(1);
    expect(outcome.conflicts).toHaveLength(199);
    expect(outcome.ok[0]!.mentors).toMatchObject([{ mentorId: m!.id, role: 'Primary' }]);
    expect(await f.assignments(w.id)).toMatchObject([
      { mentorId: m!.id, roleType: 'Primary', isActive: true, assignedById: admin.id },
    ]);
    expect(await f.events({ workletId: w.id })).toHaveLength(1);
    expect(await f.legacyMentorId(w.id)).toBe(m!.id);
    expect(await f.legacyViolations()).toEqual([]);
  });

  it('50 mentors racing to become Primary without replacePrimary: exactly 1 wins, the others are told who', async () => {
    const w = await f.worklet();
    const racers = await mentors(50);
    const api = f.callerFor(admin).assignments;
    const outcome = await race(
      racers.map((m) => () => api.assign({ workletId: w.id, mentorId: m.id, role: 'Primary', replacePrimary: false })),
    );
    expect(outcome.others, describeOthers(outcome.others)).toEqual([]);
    expect(outcome.ok).toHaveLength(1);
    expect(outcome.conflicts).toHaveLength(49);
    const winner = outcome.ok[0]!.mentors[0]!;
    expect(winner.role).toBe('Primary');
    for (const conflict of outcome.conflicts) {
      expect(conflict.cause).toBeInstanceOf(DetailedError);
      expect((conflict.cause as DetailedError).details.primaryMentor).toEqual({
        id: winner.mentorId,
        name: winner.name,
      });
      expect(conflict.message).toContain(winner.name);
    }
    expect(await f.assignments(w.id)).toHaveLength(1);
    expect(await f.events({ workletId: w.id })).toHaveLength(1);
    expect(await f.legacyMentorId(w.id)).toBe(winner.mentorId);
    expect(await f.legacyViolations()).toEqual([]);
  });

  // At most maxMentorsPerWorklet (20) active mentors (issue 11 finding 3): the race runs at
  // the limit, 1 Primary + 9 Secondaries on the worklet and 10 newcomers, each promoted once.
  it('20 concurrent promotions with replacePrimary (changeRole and assign mixed, at the mentor limit): one Primary at the end, the legacy column on it', async () => {
    const w = await f.worklet();
    const [first, ...rest] = await mentors(20);
    const secondaries = rest.slice(0, 9);
    const newcomers = rest.slice(9);
    const setup = f.callerFor(admin).assignments;
    await setup.setMentors({
      workletId: w.id,
      expectedVersion: await f.version(w.id),
      mentors: [
        { mentorId: first!.id, role: 'Primary' },
        ...secondaries.slice(0, 5).map((m) => ({ mentorId: m.id, role: 'Secondary' as const })),
      ],
    });
    for (const m of secondaries.slice(5)) await setup.assign({ workletId: w.id, mentorId: m.id, role: 'Secondary' });
    const ids = new Map((await f.assignments(w.id)).map((a) => [a.mentorId, a.id]));
    const eventsBefore = (await f.events({ workletId: w.id })).length;

    const api = f.callerFor(admin).assignments;
    const promotions = secondaries.map(
      (m) => () => api.changeRole({ assignmentId: ids.get(m.id)!, role: 'Primary', replacePrimary: true }),
    );
    const arrivals = newcomers.map(
      (m) => () => api.assign({ workletId: w.id, mentorId: m.id, role: 'Primary', replacePrimary: true }),
    );
    // Interleave the two kinds of call.
    const interleaved = arrivals.flatMap((call, i) => (promotions[i] ? [call, promotions[i]!] : [call]));
    expect(interleaved).toHaveLength(19);
    const outcome = await race(interleaved);
    expect(outcome.others, describeOthers(outcome.others)).toEqual([]);
    // replacePrimary never conflicts: every promotion happened, one after another.
    expect(outcome.conflicts).toEqual([]);
    expect(outcome.ok).toHaveLength(19);

    const primaries = await activePrimaries(w.id);
    expect(primaries).toHaveLength(1);
    expect(await f.legacyMentorId(w.id)).toBe(primaries[0]!.mentorId);
    expect(await f.legacyViolations()).toEqual([]);
    const rows = await f.assignments(w.id);
    expect(rows).toHaveLength(20);
    expect(rows.filter((r) => r.isActive)).toHaveLength(20);
    expect(rows.filter((r) => r.roleType === 'Secondary')).toHaveLength(19);
    // Each promotion demoted exactly one Primary: two events per call, one version each.
    const events = (await f.events({ workletId: w.id })).slice(eventsBefore);
    expect(events).toHaveLength(38);
    expect(events.filter((e) => e.newRole === 'Primary')).toHaveLength(19);
    expect(
      events.filter((e) => e.type === 'role_changed' && e.oldRole === 'Primary' && e.newRole === 'Secondary'),
    ).toHaveLength(19);
    expect(new Set(events.map((e) => e.workletVersion)).size).toBe(19);
    // The last promotion recorded is the Primary that remains.
    expect(events.filter((e) => e.newRole === 'Primary').at(-1)!.mentorId).toBe(primaries[0]!.mentorId);
  });
});
