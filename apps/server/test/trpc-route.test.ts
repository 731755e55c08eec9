/**
 * The tRPC endpoint answers plain calls itself (src/trpc-route.ts) and everything else through
 * tRPC's `resolveResponse`. Each call here is sent twice over real HTTP: as it is, and with
 * `trpc-accept: application/json`, a header that changes nothing in tRPC's answer but sends the
 * request through `resolveResponse`. The two answers must be the same: status, headers that
 * tRPC sets, and body (the stack of a development error and an internal error's random
 * reference aside). A spy on `resolveResponse` proves which path answered each.
 */
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@worklets/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer, type TestUser } from './test-server.ts';

const trpcHttp = vi.hoisted(() => ({ resolved: 0 }));
vi.mock('@trpc/server/http', async (importOriginal) => {
  const original = await importOriginal<typeof import('@trpc/server/http')>();
  return {
    ...original,
    resolveResponse: (async (...args) => {
      trpcHttp.resolved++;
      return original.resolveResponse(...args);
    }) satisfies typeof original.resolveResponse,
  };
});

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let db: TestDatabase;
let s: TestServer;
let admin: TestUser;
let adminCookie: string;
let mentorIds: number[] = [];
const workletIds: number[] = [];

type Sent = { method: 'GET' | 'POST'; path: string; search?: string; body?: string; cookie?: string | null };
type Answer = { status: number; contentType: string | null; vary: string | null; body: unknown; text: string };

async function send(server: TestServer, call: Sent, viaTrpc: boolean): Promise<Answer> {
  const headers: Record<string, string> = { origin: server.url };
  const cookie = call.cookie === undefined ? adminCookie : call.cookie;
  if (cookie) headers.cookie = cookie;
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  if (viaTrpc) headers['trpc-accept'] = 'application/json';
  const res = await fetch(`${server.url}/api/trpc/${call.path}${call.search ?? ''}`, {
    method: call.method,
    headers,
    body: call.body,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    vary: res.headers.get('vary'),
    body,
    text,
  };
}

/** The body without what differs between any two answers (a dev error's stack, an internal error's reference). */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'stack') out[key] = typeof inner;
      else if (key === 'ref' && typeof inner === 'string') out[key] = 'ref';
      else out[key] = comparable(inner);
    }
    return out;
  }
  return typeof value === 'string' ? value.replace(/reference [0-9a-f]{8}/, 'reference ref') : value;
}

/** Sends the call both ways; returns the plain path's answer after checking tRPC's is the same. */
async function bothWays(call: Sent, server: TestServer = s, expectPlain = true): Promise<Answer> {
  trpcHttp.resolved = 0;
  const plain = await send(server, call, false);
  expect(trpcHttp.resolved, 'answered by resolveResponse').toBe(expectPlain ? 0 : 1);
  const viaTrpc = await send(server, call, true);
  expect(trpcHttp.resolved).toBe(expectPlain ? 1 : 2);
  expect(plain.status).toBe(viaTrpc.status);
  expect(plain.contentType).toBe(viaTrpc.contentType);
  expect(plain.vary).toBe(viaTrpc.vary);
  expect(comparable(plain.body)).toEqual(comparable(viaTrpc.body));
  if (!/"stack"|reference/.test(plain.text)) expect(plain.text).toBe(viaTrpc.text);
  return plain;
}

const input = (value: unknown) => `?input=${encodeURIComponent(JSON.stringify({ json: value }))}`;
const batchInput = (values: unknown[]) =>
  `?batch=1&input=${encodeURIComponent(JSON.stringify(Object.fromEntries(values.map((v, i) => [i, { json: v }]))))}`;
const post = (path: string, value: unknown, batch = false): Sent => ({
  method: 'POST',
  path,
  search: batch ? '?batch=1' : '',
  body: JSON.stringify(batch ? { 0: { json: value } } : { json: value }),
});

beforeAll(async () => {
  db = await createTestDatabase();
  s = await startTestServer({ db });
  admin = await s.createUser('admin');
  adminCookie = await s.signIn(admin);
  mentorIds = [(await s.createUser('mentor')).id, (await s.createUser('mentor')).id, (await s.createUser('mentor')).id];
  for (const title of ['Edge inference on drones', 'Compiler fuzzing', 'Satellite image labelling']) {
    const created = await send(
      s,
      post('worklets.create', { title, status: 'active', idempotencyKey: randomUUID() }),
      false,
    );
    expect(created.status).toBe(200);
    workletIds.push((created.body as { result: { data: { json: { id: number } } } }).result.data.json.id);
  }
  const assigned = await send(
    s,
    post('assignments.assign', { workletId: workletIds[0], mentorId: mentorIds[0] }),
    false,
  );
  expect(assigned.status).toBe(200);
});

afterAll(async () => {
  await s?.close();
  await db?.close();
});

beforeEach(() => {
  trpcHttp.resolved = 0;
});

describe('plain calls are answered as resolveResponse answers them', () => {
  it('a query with its result (dates in the wire format)', async () => {
    const answer = await bothWays({
      method: 'GET',
      path: 'assignments.workletMentors',
      search: input({ workletId: workletIds[0] }),
    });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/json; charset=utf-8');
    expect(answer.vary).toBe('trpc-accept, accept');
    expect(answer.text).toContain('"meta":{"values":{"0.assignedAt":["Date"]}');
  });

  it('a query without input, and one whose input is left out', async () => {
    expect((await bothWays({ method: 'GET', path: 'accounts.sessions' })).status).toBe(200);
    expect((await bothWays({ method: 'GET', path: 'assignments.workletMentors' })).status).toBe(400);
  });

  it('errors thrown by a procedure, its input parser and its middleware', async () => {
    const missing = await bothWays({
      method: 'GET',
      path: 'assignments.workletMentors',
      search: input({ workletId: 987_654 }),
    });
    expect(missing.status).toBe(404);
    const invalid = await bothWays({
      method: 'GET',
      path: 'assignments.workletMentors',
      search: input({ workletId: -4 }),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('"zodError"');
    const signedOut = await bothWays({
      method: 'GET',
      path: 'assignments.workletMentors',
      search: input({ workletId: workletIds[0] }),
      cookie: null,
    });
    expect(signedOut.status).toBe(401);
  });

  it('batches: all answered (200) and mixed (207), each call its own result or error', async () => {
    const paths = 'assignments.workletMentors,worklets.list,assignments.workletMentors';
    const ok = await bothWays({
      method: 'GET',
      path: paths,
      search: batchInput([{ workletId: workletIds[0] }, {}, { workletId: workletIds[1] }]),
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toHaveLength(3);
    const mixed = await bothWays({
      method: 'GET',
      path: paths,
      search: batchInput([{ workletId: workletIds[0] }, { status: 'nonsense' }, { workletId: 987_654 }]),
    });
    expect(mixed.status).toBe(207);
    const statuses = (mixed.body as { error?: { json: { data: { httpStatus: number } } } }[]).map(
      (r) => r.error?.json.data.httpStatus,
    );
    expect(statuses).toEqual([undefined, 400, 404]);
  });

  it('mutations: a typed CONFLICT with its details, NOT_FOUND, invalid input, a batch of one', async () => {
    const duplicate = await bothWays(post('assignments.assign', { workletId: workletIds[0], mentorId: mentorIds[0] }));
    expect(duplicate.status).toBe(409);
    const unknown = await bothWays(post('assignments.assign', { workletId: 987_654, mentorId: mentorIds[0] }));
    expect(unknown.status).toBe(404);
    const invalid = await bothWays(post('assignments.assign', { workletId: workletIds[0], mentorId: 'x' }));
    expect(invalid.status).toBe(400);
    const batched = await bothWays(
      post('assignments.assign', { workletId: workletIds[0], mentorId: mentorIds[0] }, true),
    );
    expect(batched.status).toBe(409);
  });

  it('a successful mutation answers the same way (two fresh assignments compared)', async () => {
    trpcHttp.resolved = 0;
    const plain = await send(
      s,
      post('assignments.assign', { workletId: workletIds[1], mentorId: mentorIds[1] }),
      false,
    );
    expect(trpcHttp.resolved).toBe(0);
    const viaTrpc = await send(
      s,
      post('assignments.assign', { workletId: workletIds[2], mentorId: mentorIds[1] }),
      true,
    );
    expect(trpcHttp.resolved).toBe(1);
    expect([plain.status, viaTrpc.status]).toEqual([200, 200]);
    expect([plain.contentType, plain.vary]).toEqual([viaTrpc.contentType, viaTrpc.vary]);
    const shape = (answer: Answer) => JSON.stringify(answer.body).replace(/\d+|"[^"]*T[^"]*Z"/g, '_');
    expect(shape(plain)).toBe(shape(viaTrpc));
  });

  it('an error of the context (the rate limit): the same 429 for every call of the request', async () => {
    const limited = await startTestServer({ db, config: { readsPerMinute: 1 } });
    try {
      const cookie = await limited.signIn(admin);
      const call: Sent = { method: 'GET', path: 'worklets.list', search: input({}), cookie };
      expect((await send(limited, call, false)).status).toBe(200);
      const refused = await bothWays(call, limited);
      expect(refused.status).toBe(429);
      const batch = await bothWays(
        { ...call, path: 'worklets.list,accounts.sessions', search: batchInput([{}]) },
        limited,
      );
      expect(batch.status).toBe(429);
      expect(batch.body).toHaveLength(2);
    } finally {
      await limited.close();
    }
  });
});

describe('everything else goes to resolveResponse, which answers with its own errors', () => {
  const cases: [string, Sent, number][] = [
    ['an unknown procedure', { method: 'GET', path: 'worklets.nope' }, 404],
    ['a mutation by GET', { method: 'GET', path: 'assignments.assign', search: input({}) }, 405],
    ['a query by POST', post('worklets.list', {}), 405],
    ['input that is not JSON', { method: 'GET', path: 'worklets.list', search: '?input=%7Bnot-json' }, 400],
    ['a batch whose input is not an object', { method: 'GET', path: 'worklets.list', search: '?batch=1&input=3' }, 400],
    ['a POST without a body', { method: 'POST', path: 'assignments.assign', body: '' }, 400],
    [
      'a batch over the maximum size',
      { method: 'GET', path: Array.from({ length: 11 }, () => 'worklets.list').join(','), search: '?batch=1' },
      400,
    ],
  ];
  it.each(cases)('%s', async (_name, call, status) => {
    const answer = await bothWays(call, s, false);
    expect(answer.status).toBe(status);
  });
});
