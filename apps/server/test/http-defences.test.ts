/**
 * The HTTP defences of the host, through the real server: the Origin check on writes
 * (CSRF), JSON-only bodies (no cross-site forms), body and batch limits, and the rate
 * limits on sign-in and on writes with their Retry-After.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { createTestDatabase, type TestDatabase } from '@worklets/db/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  errorCode,
  readBody,
  sessionCookieName,
  startTestServer,
  type TestServer,
  type TestServerOptions,
  type TestUser,
} from './test-server.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let db: TestDatabase;
let s: TestServer;
let admin: TestUser;
let adminCookie: string;
const servers: TestServer[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  s = await startTestServer({ db, config: { trustedOrigins: ['http://localhost:5173'] } });
  servers.push(s);
  admin = await s.createUser('admin');
  adminCookie = await s.signIn(admin);
});

afterAll(async () => {
  for (const server of servers) await server.close();
  await db?.close();
});

/** Another server on the same database with other limits (its own rate-limit counters). */
async function serverWith(config: TestServerOptions['config']) {
  const server = await startTestServer({ db, config });
  servers.push(server);
  return server;
}

const worklets = () => db.prisma.worklet.count();

function createWorklet(
  headers: Record<string, string>,
  body: string = JSON.stringify({ json: { title: 'Cross-site worklet', idempotencyKey: randomUUID() } }),
) {
  return fetch(`${s.url}/api/trpc/worklets.create`, {
    method: 'POST',
    headers: { cookie: adminCookie, ...headers },
    body,
  });
}

/** A POST whose body is sent chunked (no Content-Length), as a non-browser client can. */
function chunkedPost(url: string, path: string, headers: Record<string, string>, bytes: number) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const target = new URL(url);
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path,
        method: 'POST',
        headers: { ...headers, 'transfer-encoding': 'chunked' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.write('{"email":"nobody@example.test","password":"');
    const chunk = 'a'.repeat(16_384);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end('"}');
    };
    pump();
  });
}

describe('origin check (CSRF)', () => {
  it('refuses a write from a foreign origin with 403, even with a valid session, and writes nothing', async () => {
    const before = await worklets();
    for (const origin of [
      'https://evil.example',
      'http://localhost',
      `http://127.0.0.1:${s.port}`,
      `https://localhost:${s.port}`,
      'null',
    ]) {
      const res = await createWorklet({ 'content-type': 'application/json', origin });
      expect(`${origin}: ${res.status}`).toBe(`${origin}: 403`);
      expect(errorCode((await readBody(res)).json)).toBe('FORBIDDEN');
    }
    expect(await worklets()).toBe(before);
  });

  it('refuses a write with no Origin with 403', async () => {
    const before = await worklets();
    const res = await createWorklet({ 'content-type': 'application/json' });
    expect(res.status).toBe(403);
    expect(await worklets()).toBe(before);
  });

  it('applies to the sign-in routes too', async () => {
    const res = await fetch(`${s.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ email: admin.email, password: admin.password }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().join()).not.toContain(sessionCookieName);
    const signOut = await fetch(`${s.url}/api/auth/sign-out`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: adminCookie },
      body: '{}',
    });
    expect(signOut.status).toBe(403);
    expect(await db.prisma.session.count({ where: { userId: admin.id } })).toBeGreaterThan(0);
  });

  it('accepts a write from our own origin and from a configured trusted origin', async () => {
    const before = await worklets();
    const own = await createWorklet({ 'content-type': 'application/json', origin: s.url });
    expect(own.status).toBe(200);
    const trusted = await createWorklet({ 'content-type': 'application/json', origin: 'http://localhost:5173' });
    expect(trusted.status).toBe(200);
    expect(await worklets()).toBe(before + 2);
  });

  it('does not block GET queries, with or without an Origin', async () => {
    expect((await fetch(`${s.url}/api/trpc/health`)).status).toBe(200);
    expect((await fetch(`${s.url}/api/trpc/health`, { headers: { origin: 'https://evil.example' } })).status).toBe(200);
    const me = await fetch(`${s.url}/api/trpc/users.me`, { headers: { cookie: adminCookie } });
    expect(me.status).toBe(200);
    expect((await readBody(me)).json.result.data.json.id).toBe(admin.id);
  });

  it('a mutation cannot be sent as a GET (which the origin check lets through)', async () => {
    const before = await worklets();
    const input = encodeURIComponent(JSON.stringify({ json: { title: 'Via GET' } }));
    const res = await fetch(`${s.url}/api/trpc/worklets.create?input=${input}`, { headers: { cookie: adminCookie } });
    expect(res.status).toBe(405);
    expect(await worklets()).toBe(before);
  });
});

describe('content type', () => {
  const forms: [string, string][] = [
    [
      'multipart/form-data; boundary=xyz',
      '--xyz\r\nContent-Disposition: form-data; name="json"\r\n\r\n{"title":"Form"}\r\n--xyz--\r\n',
    ],
    ['text/plain', JSON.stringify({ json: { title: 'Text plain' } })],
    ['application/x-www-form-urlencoded', 'json=%7B%22title%22%3A%22Form%22%7D'],
    ['text/plain;charset=UTF-8', JSON.stringify({ json: { title: 'Text plain' } })],
  ];

  it('refuses the bodies a cross-site form can send (415), even from our origin, and writes nothing', async () => {
    const before = await worklets();
    for (const [contentType, body] of forms) {
      const res = await createWorklet({ 'content-type': contentType, origin: s.url }, body);
      expect(`${contentType}: ${res.status}`).toBe(`${contentType}: 415`);
    }
    expect(await worklets()).toBe(before);
  });

  it('refuses a form post to sign-in (415)', async () => {
    const res = await fetch(`${s.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.url },
      body: new URLSearchParams({ email: admin.email, password: admin.password }).toString(),
    });
    expect(res.status).toBe(415);
    expect(res.headers.getSetCookie().join()).not.toContain(sessionCookieName);
  });
});

describe('size limits', () => {
  it('answers a batch of 11 calls with 400 and runs a batch of 10', async () => {
    const batch = (n: number) =>
      fetch(
        `${s.url}/api/trpc/${Array(n).fill('health').join(',')}?batch=1&input=${encodeURIComponent(
          JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { json: null }]))),
        )}`,
      );
    const ten = await batch(10);
    expect(ten.status).toBe(200);
    expect((await ten.json()) as unknown[]).toHaveLength(10);
    expect((await batch(11)).status).toBe(400);

    // A batch of 11 writes is refused as a whole: none of them runs.
    const before = await worklets();
    const writes = (n: number) =>
      fetch(`${s.url}/api/trpc/${Array(n).fill('worklets.create').join(',')}?batch=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: s.url, cookie: adminCookie },
        body: JSON.stringify(
          Object.fromEntries(
            Array.from({ length: n }, (_, i) => [i, { json: { title: `Batch ${i}`, idempotencyKey: randomUUID() } }]),
          ),
        ),
      });
    expect((await writes(11)).status).toBe(400);
    expect(await worklets()).toBe(before);
    expect((await writes(10)).status).toBe(200);
    expect(await worklets()).toBe(before + 10);
  });

  it('sends API answers whole with a Content-Length: small ones as they are, large ones gzipped when asked', async () => {
    const get = (path: string) =>
      new Promise<{ status?: number; headers: Record<string, unknown> }>((resolve, reject) => {
        const req = request(
          `${s.url}${path}`,
          { headers: { cookie: adminCookie, 'accept-encoding': 'gzip' } },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    const small = await get('/api/trpc/users.me');
    expect(small.status).toBe(200);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.headers['transfer-encoding']).toBeUndefined();
    expect(Number(small.headers['content-length'])).toBeGreaterThan(20);
    await db.prisma.worklet.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({ title: `Compressible worklet ${i}`, description: 'x'.repeat(80) })),
    });
    const input = encodeURIComponent(JSON.stringify({ json: { limit: 30 } }));
    const large = await get(`/api/trpc/worklets.list?input=${input}`);
    expect(large.status).toBe(200);
    expect(large.headers['content-encoding']).toBe('gzip');
  });

  it('answers a body over 100 kB with 413, on the API and on sign-in', async () => {
    const before = await worklets();
    const big = JSON.stringify({ json: { title: 'x'.repeat(120_000) } });
    const res = await createWorklet({ 'content-type': 'application/json', origin: s.url }, big);
    expect(res.status).toBe(413);
    expect(await worklets()).toBe(before);
    const signIn = await fetch(`${s.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: s.url },
      body: JSON.stringify({ email: admin.email, password: 'p'.repeat(150_000) }),
    });
    expect(signIn.status).toBe(413);
    // Just under the limit is not refused for its size.
    const small = await createWorklet(
      { 'content-type': 'application/json', origin: s.url },
      JSON.stringify({ json: { title: 'x'.repeat(90_000) } }),
    );
    expect(small.status).toBe(400); // the title is too long for the validator, but the body was read
  });

  it('does not read an unbounded chunked body (no Content-Length) on sign-in or the API', async () => {
    const headers = { 'content-type': 'application/json', origin: s.url };
    const auth = await chunkedPost(s.url, '/api/auth/sign-in/email', headers, 1_000_000);
    expect([411, 413]).toContain(auth.status);
    const api = await chunkedPost(s.url, '/api/trpc/worklets.create', { ...headers, cookie: adminCookie }, 1_000_000);
    expect([411, 413]).toContain(api.status);
  });
});

describe('rate limits', () => {
  it('the 4th sign-in per minute from one IP gets 429 with Retry-After, even with the right password', async () => {
    const limited = await serverWith({ signInPerMinute: 3 });
    const user = await limited.createUser('student');
    expect((await limited.signInRequest(user.email, 'wrong-password-1')).status).toBe(401);
    expect((await limited.signInRequest(user.email, 'wrong-password-2')).status).toBe(401);
    expect((await limited.signInRequest(user.email, user.password)).status).toBe(200);
    const sessions = await db.prisma.session.count({ where: { userId: user.id } });

    const refused = await limited.signInRequest(user.email, user.password);
    expect(refused.status).toBe(429);
    const retryAfter = refused.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    expect(refused.headers.getSetCookie().join()).not.toContain(sessionCookieName);
    expect(await db.prisma.session.count({ where: { userId: user.id } })).toBe(sessions);
    expect(errorCode((await readBody(refused)).json)).toBe('TOO_MANY_REQUESTS');

    // Reads are not limited by it.
    expect((await fetch(`${limited.url}/api/trpc/health`)).status).toBe(200);
  });

  it('writes per user per minute: the next mutation gets 429 with Retry-After; another user is not affected', async () => {
    const limited = await serverWith({ writesPerMinute: 2 });
    const cookie = await limited.signIn(admin);
    const before = await worklets();
    for (let i = 0; i < 2; i++) {
      expect(
        (await limited.mutation('worklets.create', { title: `Limited ${i}`, idempotencyKey: randomUUID() }, { cookie }))
          .status,
      ).toBe(200);
    }
    const refused = await limited.mutation(
      'worklets.create',
      { title: 'One too many', idempotencyKey: randomUUID() },
      { cookie },
    );
    expect(refused.status).toBe(429);
    const retryAfter = refused.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    expect(await worklets()).toBe(before + 2);

    // Queries go on; another admin still writes.
    expect((await limited.query('users.me', undefined, { cookie })).status).toBe(200);
    const other = await limited.createUser('admin');
    expect(
      (
        await limited.mutation(
          'worklets.create',
          { title: 'Other admin', idempotencyKey: randomUUID() },
          { cookie: await limited.signIn(other) },
        )
      ).status,
    ).toBe(200);
  });

  it('signed-out writes are limited per IP (4x the per-user limit)', async () => {
    const limited = await serverWith({ writesPerMinute: 1 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await limited.mutation('worklets.create', { title: 'Anonymous' })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });
});
