/**
 * Error hygiene in production, through the real server: input errors, NOT_FOUND,
 * CONFLICT and unexpected failures reach the client without SQL, Prisma text, stack
 * traces or table names; an unexpected failure carries a reference id that the server
 * log has too, with the details.
 *
 * The API decides "production" from NODE_ENV when its module loads, so NODE_ENV is set
 * here before anything is imported (vi.hoisted runs above the imports), and restored after.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const previousNodeEnv = vi.hoisted(() => {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  return previous;
});

import { readBody, startTestServer, type TestServer, type TestUser } from './test-server.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

/** Text that must never reach a client. */
const droppedTable = 'assignment_events';
const leaks = [
  'prisma',
  'Prisma',
  'SELECT',
  'INSERT',
  'UPDATE ',
  'invocation',
  'stack',
  '    at ',
  '.ts:',
  'node_modules',
  droppedTable,
  'P2002',
  'P2021',
  'constraint',
  'email_key',
];

let s: TestServer;
let admin: TestUser;
let cookie: string;
const bodies: string[] = [];

beforeAll(async () => {
  s = await startTestServer({ nodeEnv: 'production', config: { sessionCacheMs: 0 } });
  admin = await s.createUser('admin');
  cookie = await s.signIn(admin);
});

afterAll(async () => {
  await s?.close();
  if (previousNodeEnv === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = previousNodeEnv;
});

/** Reads a response, keeps its body for the leak checks, and checks it right away too. */
async function clean(res: Response) {
  const body = await readBody(res);
  bodies.push(body.text);
  for (const leak of leaks)
    expect(body.text, `response ${res.status} leaks "${leak}": ${body.text}`).not.toContain(leak);
  return { status: res.status, ...body, error: body.json?.error?.json ?? body.json?.[0]?.error?.json ?? null };
}

describe('error hygiene in production', () => {
  it('runs in production mode: the API leaves stack traces out of errors', async () => {
    expect(s.config.production).toBe(true);
    const res = await clean(await s.query('users.me'));
    expect(res.status).toBe(401);
    expect(res.error.data.code).toBe('UNAUTHORIZED');
    expect(res.error.data).not.toHaveProperty('stack');
  });

  it('an input error: 400 with field messages, no internals', async () => {
    const res = await clean(
      await s.mutation('worklets.create', { title: 'x', status: 'nonsense', idempotencyKey: randomUUID() }, { cookie }),
    );
    expect(res.status).toBe(400);
    expect(res.error.message).toBe('Some fields are not valid.');
    expect(res.error.data.code).toBe('BAD_REQUEST');
    expect(Object.keys(res.error.data.zodError.fieldErrors).sort()).toEqual(['status', 'title']);
    expect(res.error.data).not.toHaveProperty('stack');
    // A query with a wrong input type, too.
    const query = await clean(await s.query('worklets.byId', { workletId: 'one' }, { cookie }));
    expect(query.status).toBe(400);
    expect(query.error.data).not.toHaveProperty('stack');
  });

  it('NOT_FOUND: 404 with a plain message', async () => {
    const res = await clean(await s.query('worklets.byId', { workletId: 1_999_999_999 }, { cookie }));
    expect(res.status).toBe(404);
    expect(res.error.message).toBe('Worklet not found');
    expect(res.error.data).not.toHaveProperty('stack');
  });

  it('CONFLICT from the database (a duplicate email) and from the domain: 409 with plain messages', async () => {
    const duplicate = await clean(
      await s.mutation(
        'users.create',
        { email: admin.email, name: 'Twin', role: 'student', idempotencyKey: randomUUID() },
        { cookie },
      ),
    );
    expect(duplicate.status).toBe(409);
    expect(duplicate.error.data.code).toBe('CONFLICT');
    expect(duplicate.error.message).toBe('This change conflicts with existing data (it already exists).');
    expect(duplicate.error.data).not.toHaveProperty('stack');

    const mentor = await s.createUser('mentor');
    const worklet = await s.prisma.worklet.create({ data: { title: 'Conflict worklet', status: 'active' } });
    expect(
      (await clean(await s.mutation('assignments.assign', { workletId: worklet.id, mentorId: mentor.id }, { cookie })))
        .status,
    ).toBe(200);
    const again = await clean(
      await s.mutation('assignments.assign', { workletId: worklet.id, mentorId: mentor.id }, { cookie }),
    );
    expect(again.status).toBe(409);
    expect(again.error.message).toContain('already assigned');
  });

  it('an internal error: 500 with a generic message and a reference that the server log has, with the details', async () => {
    const mentor = await s.createUser('mentor');
    const worklet = await s.prisma.worklet.create({ data: { title: 'Broken history', status: 'active' } });
    // Break the database under the API: the table the history procedures need is gone.
    await s.prisma.$executeRawUnsafe(`DROP TABLE "${droppedTable}" CASCADE`);

    const read = await clean(await s.query('history.forWorklet', { workletId: worklet.id }, { cookie }));
    expect(read.status).toBe(500);
    expect(read.error.data.code).toBe('INTERNAL_SERVER_ERROR');
    const ref = read.error.data.ref as string;
    expect(ref).toMatch(/^[0-9a-f]{8}$/);
    expect(read.error.message).toBe(`Something went wrong on our side (reference ${ref}).`);
    const logged = s.logs.filter((line) => line.includes(`ref=${ref}`));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('history.forWorklet');
    expect(logged[0]).toContain(droppedTable); // the log has what the client must not see

    // A write that fails the same way (its INSERT of the event): rolled back, same hygiene.
    const write = await clean(
      await s.mutation('assignments.assign', { workletId: worklet.id, mentorId: mentor.id }, { cookie }),
    );
    expect(write.status).toBe(500);
    const writeRef = write.error.data.ref as string;
    expect(writeRef).toMatch(/^[0-9a-f]{8}$/);
    expect(writeRef).not.toBe(ref);
    expect(write.error.message).toContain(writeRef);
    expect(s.logs.some((line) => line.includes(`ref=${writeRef}`))).toBe(true);
    expect(await s.prisma.mentorWorkletAssignment.count({ where: { workletId: worklet.id } })).toBe(0);
  });

  it('a failure outside the API (the sessions table is gone): 500 with a reference in the log, no internals', async () => {
    await s.prisma.$executeRawUnsafe(`DROP TABLE "sessions" CASCADE`);
    const res = await clean(await s.query('users.me', undefined, { cookie }));
    expect(res.status).toBe(500);
    // tRPC-shaped, as every error a tRPC caller gets from the host.
    expect(res.error.data.code).toBe('INTERNAL_SERVER_ERROR');
    const ref = res.error.data.ref as string;
    expect(ref).toMatch(/^[0-9a-f]{8}$/);
    expect(res.error.message).toContain(ref);
    expect(s.logs.some((line) => line.startsWith(`error ref=${ref}`))).toBe(true);
    expect(res.text).not.toContain('sessions');
    // The host itself still answers.
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });

  it('no response of this file leaked anything', () => {
    expect(bodies.length).toBeGreaterThanOrEqual(10);
    for (const body of bodies) for (const leak of leaks) expect(body).not.toContain(leak);
  });
});
