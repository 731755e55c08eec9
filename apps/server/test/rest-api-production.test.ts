/**
 * The REST API's (/api/v1) errors in production: JSON with the right status and a plain
 * message, never SQL, Prisma text or stack traces. NODE_ENV is set before the API loads
 * (as in error-hygiene.test.ts), and restored after.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const previousNodeEnv = vi.hoisted(() => {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  return previous;
});

import { startTestServer, type TestServer } from './test-server.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const leaks = [
  'prisma',
  'Prisma',
  'SELECT',
  'INSERT',
  'stack',
  '    at ',
  '.ts:',
  'node_modules',
  'P2002',
  'constraint',
];

let s: TestServer;
let secret: string;
let workletId: number;
let mentorId: number;

beforeAll(async () => {
  s = await startTestServer({ nodeEnv: 'production' });
  const admin = await s.createUser('admin');
  const cookie = await s.signIn(admin);
  const res = await s.mutation('apiTokens.create', { name: 'svc', scope: 'read_write', expiresInDays: 1 }, { cookie });
  secret = ((await res.json()) as { result: { data: { json: { secret: string } } } }).result.data.json.secret;
  workletId = (await s.prisma.worklet.create({ data: { title: 'Prod worklet', status: 'active' } })).id;
  mentorId = (await s.createUser('mentor')).id;
});

afterAll(async () => {
  await s?.close();
  if (previousNodeEnv === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = previousNodeEnv;
});

async function call(path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${s.url}/api/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  for (const leak of leaks) expect(text, `${res.status} leaks "${leak}": ${text}`).not.toContain(leak);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: res.status, body: JSON.parse(text) };
}

describe('REST errors in production', () => {
  it('400, 401, 404 and 409 are JSON with plain messages and nothing internal', async () => {
    const assign = `/worklets/${workletId}/assign-mentor`;
    expect((await call(assign, secret, { mentor_id: mentorId })).status).toBe(200);
    const duplicate = await call(assign, secret, { mentor_id: mentorId });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.message).toMatch(/already assigned/);
    const invalid = await call(assign, secret, { mentor_id: -1, assigned_by: 1 });
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body.data.zodError.fieldErrors).sort()).toEqual(['assigned_by', 'mentor_id']);
    expect((await call(`/worklets/${workletId}/mentors`, null)).status).toBe(401);
    expect((await call('/worklets/2147483000/mentors', secret)).status).toBe(404);
    expect((await call('/no/such/path', secret)).status).toBe(404);
  });
});
