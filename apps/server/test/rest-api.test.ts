/**
 * The REST API (/api/v1) over HTTP with API tokens: the original design's paths and shapes,
 * errors as JSON with their statuses, token scopes and lifetimes, the owner's role rules,
 * no cookies on /api/v1 and no tokens on the cookie paths, rate limits, the OpenAPI document
 * checked by a validator, and a Python service calling it with urllib.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Validator } from '@seriousme/openapi-schema-validator';
import { assignMentorInput } from '@worklets/validators/assignments';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer, type TestUser } from './test-server.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

let server: TestServer;
let admin: TestUser;
let adminCookie: string;
let mentor: TestUser;
let otherMentor: TestUser;
let workletId: number;
let readWrite: string;
let readOnly: string;

type TokenOut = { token: { id: number; lastUsedAt: string | null }; secret: string };

async function createToken(cookie: string, scope: 'read' | 'read_write', name = `svc ${scope}`): Promise<TokenOut> {
  const res = await server.mutation('apiTokens.create', { name, scope, expiresInDays: 30 }, { cookie });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { data: { json: TokenOut } } }).result.data.json;
}

function rest(
  path: string,
  token: string | null,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  return fetch(`${server.url}/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

async function json(res: Response): Promise<{ status: number; body: any }> {
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.createUser('admin', { name: 'Ada Admin' });
  mentor = await server.createUser('mentor', { name: 'Mina Mentor' });
  otherMentor = await server.createUser('mentor', { name: 'Otto Other' });
  adminCookie = await server.signIn(admin);
  const worklet = await server.prisma.worklet.create({
    data: { title: 'Solar boat', description: 'Build it', status: 'active' },
  });
  workletId = worklet.id;
  readWrite = (await createToken(adminCookie, 'read_write')).secret;
  readOnly = (await createToken(adminCookie, 'read')).secret;
});

afterAll(async () => {
  await server?.close();
});

describe('the original paths and shapes', () => {
  it('assigns a mentor, lists the worklet mentors and the mentor worklets', async () => {
    const assigned = await json(
      await rest(`/worklets/${workletId}/assign-mentor`, readWrite, {
        method: 'POST',
        body: { mentor_id: mentor.id, role_type: 'Primary' },
      }),
    );
    expect(assigned.status).toBe(200);
    expect(assigned.body.message).toBe('Mentor assigned successfully');

    const mentors = await json(await rest(`/worklets/${workletId}/mentors`, readOnly));
    expect(mentors).toEqual({
      status: 200,
      body: [{ mentor: { id: mentor.id, name: 'Mina Mentor', email: mentor.email }, role: 'Primary' }],
    });

    const worklets = await json(await rest(`/worklets/mentor/${mentor.id}/worklets`, readOnly));
    expect(worklets.status).toBe(200);
    expect(worklets.body).toEqual([
      expect.objectContaining({
        id: workletId,
        title: 'Solar boat',
        description: 'Build it',
        status: 'active',
        mentor_id: mentor.id,
      }),
    ]);
    expect(new Date(worklets.body[0].created_at).getTime()).not.toBeNaN();

    // The assigner is the token's owner.
    const row = await server.prisma.mentorWorkletAssignment.findFirstOrThrow({
      where: { workletId, mentorId: mentor.id },
    });
    expect(row.assignedById).toBe(admin.id);
  });

  it('reads one worklet in the same shape, 404 for one that does not exist', async () => {
    const one = await json(await rest(`/worklets/${workletId}`, readOnly));
    expect(one.status).toBe(200);
    expect(one.body).toEqual(
      expect.objectContaining({ id: workletId, title: 'Solar boat', status: 'active', mentor_id: mentor.id }),
    );
    expect((await rest('/worklets/2147483000', readOnly)).status).toBe(404);
    const bad = await json(await rest('/worklets/abc', readOnly));
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.data.zodError.fieldErrors)).toEqual(['worklet_id']);
  });

  it('leaves the dashboard’s schemas as they were (the REST layer coerces path strings on its own schemas only)', () => {
    expect(assignMentorInput.safeParse({ workletId: '1', mentorId: '2' }).success).toBe(false);
    expect(assignMentorInput.safeParse({ workletId: 1, mentorId: 2 }).success).toBe(true);
  });

  it('answers a duplicate pair with 409', async () => {
    const again = await json(
      await rest(`/worklets/${workletId}/assign-mentor`, readWrite, {
        method: 'POST',
        body: { mentor_id: mentor.id, role_type: 'Secondary' },
      }),
    );
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
    expect(again.body.message).toMatch(/already assigned/);
  });

  it('refuses assigned_by in the body with 400 and field errors, writing nothing', async () => {
    const before = await server.prisma.mentorWorkletAssignment.count();
    const res = await json(
      await rest(`/worklets/${workletId}/assign-mentor`, readWrite, {
        method: 'POST',
        body: { mentor_id: otherMentor.id, role_type: 'Secondary', assigned_by: mentor.id },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.data.zodError.fieldErrors.assigned_by).toEqual([expect.stringMatching(/owner of the API token/)]);
    expect(await server.prisma.mentorWorkletAssignment.count()).toBe(before);

    const bad = await json(
      await rest(`/worklets/${workletId}/assign-mentor`, readWrite, { method: 'POST', body: { mentor_id: 'x' } }),
    );
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.data.zodError.fieldErrors)).toEqual(['mentor_id']);
  });

  it('answers 404 for an unknown worklet, as JSON without SQL or stack traces in production shape', async () => {
    const res = await rest('/worklets/2147483000/mentors', readOnly);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = await res.json();
    expect(body.code).toBe('NOT_FOUND');
    expect(JSON.stringify(body)).not.toMatch(/SELECT|prisma/i);
  });
});

describe('tokens', () => {
  it('answers 401 without a token, with a bad, an expired or a revoked one', async () => {
    const expired = await createToken(adminCookie, 'read', 'expired');
    await server.prisma.apiToken.update({
      where: { id: expired.token.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const revoked = await createToken(adminCookie, 'read', 'revoked');
    const revoke = await server.mutation('apiTokens.revoke', { id: revoked.token.id }, { cookie: adminCookie });
    expect(revoke.status).toBe(200);
    for (const [token, message] of [
      [null, /Send an API token/],
      ['wkt_nope', /not valid/],
      [`wkt_${'A'.repeat(43)}`, /not valid/],
      [expired.secret, /expired/],
      [revoked.secret, /revoked/],
    ] as const) {
      const raw = await rest(`/worklets/${workletId}/mentors`, token);
      expect(raw.headers.get('www-authenticate')).toBe('Bearer realm="worklets"');
      const res = await json(raw);
      expect(res.status, String(token)).toBe(401);
      expect(res.body.message).toMatch(message);
    }
  });

  it('a read token cannot write (403)', async () => {
    const res = await json(
      await rest(`/worklets/${workletId}/assign-mentor`, readOnly, {
        method: 'POST',
        body: { mentor_id: otherMentor.id },
      }),
    );
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/can only read/);
  });

  it('acts with its owner’s current role: a demoted owner’s token has a mentor’s rights; a deactivated owner’s none', async () => {
    const owner = await server.createUser('admin');
    const token = (await createToken(await server.signIn(owner), 'read_write')).secret;
    await server.prisma.user.update({ where: { id: owner.id }, data: { role: 'mentor' } });
    const write = await rest(`/worklets/${workletId}/assign-mentor`, token, {
      method: 'POST',
      body: { mentor_id: otherMentor.id },
    });
    expect(write.status).toBe(403);
    expect((await rest(`/worklets/mentor/${mentor.id}/worklets`, token)).status).toBe(403);
    expect((await json(await rest(`/worklets/mentor/${owner.id}/worklets`, token))).body).toEqual([]);
    await server.prisma.user.update({ where: { id: owner.id }, data: { isActive: false } });
    expect((await rest(`/worklets/mentor/${owner.id}/worklets`, token)).status).toBe(401);
  });

  it('stores only the hash of the secret and records the last use', async () => {
    const created = await createToken(adminCookie, 'read', 'hashed');
    expect(created.secret).toMatch(/^wkt_[A-Za-z0-9_-]{43}$/);
    expect(created.token.lastUsedAt).toBeNull();
    const row = await server.prisma.apiToken.findUniqueOrThrow({ where: { id: created.token.id } });
    expect(row.tokenHash).toBe(createHash('sha256').update(created.secret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(created.secret.slice(4));
    const list = await server.query('apiTokens.list', undefined, { cookie: adminCookie });
    expect(await list.text()).not.toContain(created.secret.slice(4));

    expect((await rest(`/worklets/${workletId}/mentors`, created.secret)).status).toBe(200);
    const used = await server.prisma.apiToken.findUniqueOrThrow({ where: { id: created.token.id } });
    expect(used.lastUsedAt).not.toBeNull();
    // At most one write a minute: a second call keeps the time.
    await rest(`/worklets/${workletId}/mentors`, created.secret);
    const again = await server.prisma.apiToken.findUniqueOrThrow({ where: { id: created.token.id } });
    expect(again.lastUsedAt).toEqual(used.lastUsedAt);
  });

  it('only admins manage tokens', async () => {
    const cookie = await server.signIn(mentor);
    const res = await server.mutation('apiTokens.create', { name: 'x', scope: 'read', expiresInDays: 1 }, { cookie });
    expect(res.status).toBe(403);
    const bad = await server.mutation(
      'apiTokens.create',
      { name: '', scope: 'read', expiresInDays: 0 },
      { cookie: adminCookie },
    );
    expect(bad.status).toBe(400);
  });
});

describe('cookies and tokens stay on their own paths', () => {
  it('does not accept a session cookie on /api/v1', async () => {
    const res = await rest(`/worklets/${workletId}/mentors`, null, { headers: { cookie: adminCookie } });
    expect(res.status).toBe(401);
    const post = await rest(`/worklets/${workletId}/assign-mentor`, null, {
      method: 'POST',
      body: { mentor_id: otherMentor.id },
      headers: { cookie: adminCookie, origin: server.url },
    });
    expect(post.status).toBe(401);
  });

  it('does not accept a bearer token on the cookie paths', async () => {
    const trpc = await server.query(
      'assignments.workletMentors',
      { workletId },
      { headers: { authorization: `Bearer ${readWrite}` } },
    );
    expect(trpc.status).toBe(401);
    const withCookieToo = await server.query(
      'assignments.workletMentors',
      { workletId },
      { cookie: adminCookie, headers: { authorization: `Bearer ${readWrite}` } },
    );
    expect(withCookieToo.status).toBe(401);
    const csv = await fetch(`${server.url}/api/export/worklets.csv`, {
      headers: { authorization: `Bearer ${readWrite}` },
    });
    expect(csv.status).toBe(401);
    const auth = await fetch(`${server.url}/api/auth/get-session`, {
      headers: { authorization: `Bearer ${readWrite}` },
    });
    expect(auth.status).toBe(401);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After past the dashboard’s read limit', async () => {
    const limited = await startTestServer({ db: { prisma: server.prisma }, config: { readsPerMinute: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${limited.url}/api/v1/worklets/${workletId}/mentors`, {
          headers: { authorization: `Bearer ${readOnly}` },
        });
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      // Guessing tokens counts against the caller's address (4 x the per-user limit here).
      const guesses: number[] = [];
      for (let i = 0; i < 14; i++) {
        const res = await fetch(`${limited.url}/api/v1/worklets/${workletId}/mentors`, {
          headers: { authorization: `Bearer wkt_${String(i).padStart(43, 'x')}` },
        });
        guesses.push(res.status);
      }
      expect(guesses.slice(0, 12).every((status) => status === 401)).toBe(true);
      expect(guesses.slice(12)).toEqual([429, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 and lists the three original paths', async () => {
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const document = await res.json();
    expect(document.openapi).toMatch(/^3\.1\./);
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/worklets/{worklet_id}/mentors',
        '/worklets/mentor/{mentor_id}/worklets',
        '/worklets/{worklet_id}/assign-mentor',
        '/worklets/{worklet_id}',
      ]),
    );
    expect(document.servers[0].url).toBe(`${server.url}/api/v1`);
  });
});

describe('a service in Python', () => {
  it('calls the three paths with urllib', async () => {
    const worklet = await server.prisma.worklet.create({ data: { title: 'Python worklet', status: 'active' } });
    const script = fileURLToPath(new URL('./python/rest_client.py', import.meta.url));
    const { stdout } = await promisify(execFile)(
      'python3',
      [script, server.url, String(worklet.id), String(otherMentor.id)],
      {
        env: { ...process.env, WORKLETS_TOKEN: readWrite },
      },
    );
    const results = JSON.parse(stdout);
    expect(results.assign.status).toBe(200);
    expect(results.again.status).toBe(409);
    expect(results.mentors).toEqual({
      status: 200,
      body: [{ mentor: { id: otherMentor.id, name: 'Otto Other', email: otherMentor.email }, role: 'Secondary' }],
    });
    expect(results.worklets.status).toBe(200);
    expect(results.worklets.body.map((w: { id: number }) => w.id)).toContain(worklet.id);
    expect(results.no_token.status).toBe(401);
  });
});
