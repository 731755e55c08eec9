/**
 * The REST router (/api/v1) without HTTP: its token rungs (no token, a read token writing)
 * and a mentor's worklet list costing a constant number of SQL statements, whatever its length.
 */
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTokenGrant, createContextInner, type SessionUser } from '../src/context.ts';
import { restRouter } from '../src/rest/router.ts';
import { createCallerFactory } from '../src/trpc.ts';
import { type ApiFixture, createApiFixture } from './api-fixture.ts';

const statements: string[] = [];
const createRestCaller = createCallerFactory(restRouter);
let f: ApiFixture;
let admin: SessionUser;

function restCaller(user: SessionUser | null, apiToken: ApiTokenGrant | null) {
  return createRestCaller(createContextInner({ db: f.db.prisma, user, apiToken }));
}

async function rejected(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCError);
    return (error as TRPCError).code;
  }
  throw new Error('expected the call to be refused');
}

beforeAll(async () => {
  f = await createApiFixture({ onQuery: (sql) => statements.push(sql) });
  admin = await f.user('admin');
});
afterAll(async () => {
  await f?.close();
});

describe('REST router', () => {
  it('needs a token, and a read_write one to write', async () => {
    const worklet = await f.worklet();
    const mentor = await f.user('mentor');
    expect(await rejected(restCaller(admin, null).workletMentors({ worklet_id: worklet.id }))).toBe('UNAUTHORIZED');
    const read = restCaller(admin, { id: 1, scope: 'read' });
    expect(await read.workletMentors({ worklet_id: worklet.id })).toEqual([]);
    expect(await rejected(read.assignMentor({ worklet_id: worklet.id, mentor_id: mentor.id }))).toBe('FORBIDDEN');
    const write = restCaller(admin, { id: 1, scope: 'read_write' });
    const result = await write.assignMentor({ worklet_id: worklet.id, mentor_id: mentor.id });
    expect(result.mentors).toEqual([
      { mentor: { id: mentor.id, name: mentor.name, email: mentor.email }, role: 'Primary' },
    ]);
  });

  it("a mentor's worklets cost the same statements for 2 worklets as for 30", async () => {
    const api = restCaller(admin, { id: 1, scope: 'read' });
    const cost = async (n: number) => {
      const mentor = await f.user('mentor');
      // Written directly: this measures the read, not the rules of assigning (capacity among them).
      const worklets = await f.db.prisma.worklet.createManyAndReturn({
        data: Array.from({ length: n }, (_, i) => ({ title: `Counted ${i}`, status: 'active' as const })),
        select: { id: true },
      });
      await f.db.prisma.mentorWorkletAssignment.createMany({
        data: worklets.map((w) => ({
          workletId: w.id,
          mentorId: mentor.id,
          roleType: 'Primary' as const,
          assignedById: admin.id,
        })),
      });
      statements.length = 0;
      const list = await api.mentorWorklets({ mentor_id: mentor.id });
      expect(list).toHaveLength(n);
      return statements.length;
    };
    const small = await cost(2);
    expect(await cost(30)).toBe(small);
    expect(small).toBeGreaterThan(0);
    expect(small).toBeLessThanOrEqual(3);
  });
});
