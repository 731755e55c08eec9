/**
 * The findings of the security review of the HTTP host (issue 9), one `describe` each,
 * through the real server. Each test failed on the node:http host and passes now.
 * Elsewhere: finding 3 (start without demo data), 15 (two server processes) in
 * processes.test.ts, 16 (an outage) in resilience.test.ts; 4, 10, 13 and the NUL bytes of
 * 9 are the data layer's and the validators' (packages/db, packages/api, packages/validators).
 */
import { request } from 'node:http';
import { createTestDatabase, type TestDatabase } from '@worklets/db/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import {
  errorCode,
  parseSetCookie,
  readBody,
  sessionCookieName,
  startTestServer,
  type TestServer,
  type TestServerOptions,
  type TestUser,
  testSecret,
} from './test-server.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let db: TestDatabase;
let s: TestServer;
let admin: TestUser;
const servers: TestServer[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  s = await startTestServer({ db });
  servers.push(s);
  admin = await s.createUser('admin');
});

afterAll(async () => {
  for (const server of servers) await server.close();
  await db?.close();
});

async function serverWith(config: TestServerOptions['config']) {
  const server = await startTestServer({ db, config });
  servers.push(server);
  return server;
}

/** An HTTP request whose path is sent exactly as written (fetch would resolve `./` and `../`). */
function raw(
  base: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string; json: any }> {
  const target = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: options.path,
        method: options.method ?? 'GET',
        headers: {
          ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}),
          ...options.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let json: any = null;
          try {
            json = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function signInAt(server: TestServer, path: string, email: string, password: string, headers = {}) {
  return raw(server.url, {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', origin: server.url, ...headers },
    body: JSON.stringify({ email, password }),
  });
}

/** users.me with this Cookie header: the status and the signed-in user's id. */
async function me(server: TestServer, cookie: string) {
  const res = await server.query('users.me', undefined, { cookie });
  const { json } = await readBody(res);
  return { status: res.status, id: json?.result?.data?.json?.id ?? null };
}

describe('finding 1: session takeover through the session cache', () => {
  it('a request with two session cookies is 401, and the planted cookie never acts as the victim', async () => {
    const victim = await s.signIn(admin);
    const victimToken = victim.split('=')[1]!;
    expect(await me(s, victim)).toEqual({ status: 200, id: admin.id });
    const planted = 'attacker-chosen-value';
    for (const header of [
      `__Secure-${sessionCookieName}=${planted}; ${sessionCookieName}=${victimToken}`,
      `${sessionCookieName}=${victimToken}; __Secure-${sessionCookieName}=${planted}`,
      `${sessionCookieName}=${planted}; ${sessionCookieName}=${victimToken}`,
    ]) {
      const res = await s.query('users.me', undefined, { cookie: header });
      expect(res.status, header).toBe(401);
      expect(errorCode((await readBody(res)).json)).toBe('UNAUTHORIZED');
      // Nor can the same trick create a user through a write.
      const write = await s.mutation(
        'users.create',
        { email: `planted.${s.unique()}@example.test`, name: 'Planted', role: 'admin' },
        { cookie: header },
      );
      expect(write.status).toBe(401);
    }
    // The planted cookie alone is nobody.
    expect((await me(s, `__Secure-${sessionCookieName}=${planted}`)).status).toBe(401);
    expect((await me(s, `${sessionCookieName}=${planted}`)).status).toBe(401);
    // Sign-in and sign-out with two session cookies are refused too.
    const signOut = await s.app.inject({
      method: 'POST',
      url: '/api/auth/sign-out',
      headers: {
        origin: s.url,
        'content-type': 'application/json',
        cookie: `__Secure-${sessionCookieName}=${planted}; ${sessionCookieName}=${victimToken}`,
      },
      payload: '{}',
    });
    expect(signOut.statusCode).toBe(401);
    expect(await me(s, victim)).toEqual({ status: 200, id: admin.id });
  });
});

describe('finding 2: sign-in rate limit on the normalised path', () => {
  it('./, x/../ and %2e/ spellings of sign-in share the per-IP limit: the 4th attempt is 429', async () => {
    const limited = await serverWith({ signInPerMinute: 3 });
    const user = await limited.createUser('student');
    const statuses: number[] = [];
    for (const path of [
      '/api/auth/./sign-in/email',
      '/api/auth/x/../sign-in/email',
      '/api/auth/%2e/sign-in/email',
      '/api/auth/./sign-in/email',
      '/api/auth/sign-in/email',
    ])
      statuses.push((await signInAt(limited, path, user.email, 'wrong-password')).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // Even the right password is refused now, and no session is created.
    const right = await signInAt(limited, '/api/auth/%2E/sign-in/email', user.email, user.password);
    expect(right.status).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect(await db.prisma.session.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe('finding 5: better-auth routes the product does not use', () => {
  it('update-user, change-password, list-sessions, revoke-session(s), get-session and sign-up answer 404 and change nothing', async () => {
    const student = await s.createUser('student');
    const cookie = await s.signIn(student);
    const headers = { 'content-type': 'application/json', origin: s.url, cookie };
    const calls: [string, string, unknown][] = [
      ['POST', '/api/auth/update-user', { name: '' }],
      ['POST', '/api/auth/./update-user', { name: 'x'.repeat(90_000 / 2) }],
      ['POST', '/api/auth/change-password', { currentPassword: 'guess-1', newPassword: 'new-password-1' }],
      ['GET', '/api/auth/list-sessions', undefined],
      ['POST', '/api/auth/revoke-session', { token: 'x' }],
      ['POST', '/api/auth/revoke-sessions', {}],
      ['POST', '/api/auth/revoke-other-sessions', {}],
      ['GET', '/api/auth/get-session', undefined],
      ['POST', '/api/auth/sign-up/email', { email: 'new@example.test', password: 'a-password-1', name: 'New' }],
      ['POST', '/api/auth/sign-in/social', { provider: 'github' }],
    ];
    for (const [method, path, body] of calls) {
      const res = await raw(s.url, {
        method,
        path,
        headers: body === undefined ? { cookie } : headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(`${method} ${path}: ${res.status}`).toBe(`${method} ${path}: 404`);
      expect(res.text).not.toContain('token');
    }
    const after = await db.prisma.user.findUniqueOrThrow({ where: { id: student.id } });
    expect(after.name).toBe(student.name);
    expect(await db.prisma.session.count({ where: { userId: student.id } })).toBe(1);
    expect(await db.prisma.user.count({ where: { email: 'new@example.test' } })).toBe(0);
    // better-auth itself refuses them too (defence in depth for anything that calls its handler).
    const direct = await s.auth.handler(
      new Request(`${s.url}/api/auth/update-user`, { method: 'POST', headers, body: JSON.stringify({ name: '' }) }),
    );
    expect(direct.status).toBe(404);
  });

  it('sign-in, which is kept, gets bounded input: an oversized or malformed body is 400 and creates no session', async () => {
    const student = await s.createUser('student');
    for (const body of [
      { email: student.email, password: 'p'.repeat(129) },
      { email: 'e'.repeat(300), password: student.password },
      { email: student.email },
      { email: student.email, password: student.password, callbackURL: 'https://evil.example' },
    ]) {
      const res = await raw(s.url, {
        method: 'POST',
        path: '/api/auth/sign-in/email',
        headers: { 'content-type': 'application/json', origin: s.url },
        body: JSON.stringify(body),
      });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
    expect(await db.prisma.session.count({ where: { userId: student.id } })).toBe(0);
  });
});

describe('finding 6: sign-out is immediate', () => {
  it('with 8 concurrent users of the cookie, no request after sign-out is served, through /sign-out and /./sign-out', async () => {
    for (const path of ['/api/auth/sign-out', '/api/auth/./sign-out', '/api/auth/x/../sign-out']) {
      const mentor = await s.createUser('mentor');
      const cookie = await s.signIn(mentor);
      let signedOut = false;
      const afterSignOut: number[] = [];
      const hammer = async () => {
        for (let i = 0; i < 15; i++) {
          const wasSignedOut = signedOut;
          const { status } = await me(s, cookie);
          if (wasSignedOut) afterSignOut.push(status);
        }
      };
      const load = Promise.all(Array.from({ length: 8 }, hammer));
      await new Promise((r) => setTimeout(r, 30));
      const res = await raw(s.url, {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', origin: s.url, cookie },
        body: '{}',
      });
      expect(res.status, path).toBe(200);
      signedOut = true;
      await load;
      expect(await db.prisma.session.count({ where: { userId: mentor.id } })).toBe(0);
      expect(afterSignOut.length).toBeGreaterThan(0);
      expect(
        afterSignOut.every((status) => status === 401),
        `${path}: ${afterSignOut.join(',')}`,
      ).toBe(true);
      expect((await me(s, cookie)).status).toBe(401);
    }
  });

  it('deactivation and a role change take effect on the next request', async () => {
    const mentor = await s.createUser('mentor');
    const cookie = await s.signIn(mentor);
    const adminCookie = await s.signIn(admin);
    expect((await me(s, cookie)).status).toBe(200);
    const promote = await s.mutation('users.update', { id: mentor.id, role: 'admin' }, { cookie: adminCookie });
    expect(promote.status).toBe(200);
    const res = await s.query('users.me', undefined, { cookie });
    expect((await readBody(res)).json.result.data.json.role).toBe('admin');
    await s.mutation('users.setActive', { id: mentor.id, isActive: false }, { cookie: adminCookie });
    expect((await me(s, cookie)).status).toBe(401);
  });
});

describe('finding 7: reads have a rate limit', () => {
  it("a student's batches of reads are refused with a tRPC-shaped 429 and Retry-After past the limit; an admin is not slowed", async () => {
    const limited = await serverWith({ readsPerMinute: 20 });
    const student = await limited.createUser('student');
    const cookie = await limited.signIn(student);
    const batch = () =>
      fetch(
        `${limited.url}/api/trpc/${Array(10).fill('worklets.list').join(',')}?batch=1&input=${encodeURIComponent(
          JSON.stringify(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [i, { json: { limit: 100 } }]))),
        )}`,
        { headers: { cookie } },
      );
    expect((await batch()).status).toBe(200);
    expect((await batch()).status).toBe(200);
    const refused = await batch();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    const body = (await readBody(refused)).json;
    // Exactly what the tRPC client reads (apps/web/src/lib/api-errors.test.ts fakes this shape).
    const error = Array.isArray(body) ? body[0].error.json : body.error.json;
    expect(error.code).toBe(-32029);
    expect(error.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', httpStatus: 429 });
    expect(error.message).toMatch(/^Too many requests\. Try again in \d+ s\.$/);

    const adminCookie = await limited.signIn(admin);
    const worklet = await db.prisma.worklet.create({ data: { title: 'Still fast', status: 'active' } });
    const byId = await limited.query('worklets.byId', { workletId: worklet.id }, { cookie: adminCookie });
    expect(byId.status).toBe(200);
  });
});

describe('finding 8: headers', () => {
  it('API answers carry Cache-Control: no-store and nosniff; the CSP has base-uri and object-src none', async () => {
    const res = await fetch(`${s.url}/api/trpc/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const page = await fetch(`${s.url}/worklets`);
    const csp = page.headers.get('content-security-policy') ?? '';
    for (const directive of [
      "default-src 'self'",
      "base-uri 'none'",
      "object-src 'none'",
      "frame-ancestors 'none'",
      "img-src 'self' data:",
      "style-src 'self' 'unsafe-inline'",
    ])
      expect(csp).toContain(directive);
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    // No HSTS on plain http: it would lock browsers out of a localhost server.
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('HSTS when the public URL is https', async () => {
    const https = await serverWith({ https: true });
    for (const path of ['/api/trpc/health', '/worklets']) {
      const res = await fetch(`${https.url}${path}`);
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
    }
  });
});

describe('finding 9: malformed URLs are 400, not 500', () => {
  it('GET /% and friends answer 400 and log no error or stack', async () => {
    const before = s.logs.length;
    for (const path of ['/%', '/%zz', '/api/trpc/%', '/api/auth/%', '/assets/%E0%A4%A']) {
      const res = await raw(s.url, { path });
      expect(`${path}: ${res.status}`).toBe(`${path}: 400`);
      expect(res.text).not.toMatch(/ at |URIError|stack/);
    }
    const lines = s.logs.slice(before);
    expect(lines.filter((line) => /"level":(50|60)| {4}at |\\n {4}at /.test(line))).toEqual([]);
  });
});

describe('finding 11: a non-local PUBLIC_URL', () => {
  it('requires BETTER_AUTH_SECRET and NODE_ENV=production, whatever NODE_ENV says', () => {
    expect(() => loadConfig({ PUBLIC_URL: 'https://worklets.example' })).toThrow(ConfigError);
    expect(() => loadConfig({ PUBLIC_URL: 'https://worklets.example' })).toThrow(/BETTER_AUTH_SECRET/);
    expect(() => loadConfig({ PUBLIC_URL: 'https://worklets.example', NODE_ENV: 'development' })).toThrow(
      /BETTER_AUTH_SECRET/,
    );
    // With the secret but not in production it would answer with stack traces: refused.
    expect(() =>
      loadConfig({ PUBLIC_URL: 'https://worklets.example', BETTER_AUTH_SECRET: testSecret, NODE_ENV: 'development' }),
    ).toThrow(/NODE_ENV=production/);
    const config = loadConfig({
      PUBLIC_URL: 'https://worklets.example',
      BETTER_AUTH_SECRET: testSecret,
      NODE_ENV: 'production',
    });
    expect(config).toMatchObject({ production: true, https: true, authSecret: testSecret });
    // Locally, the kept secret file still serves development.
    expect(loadConfig({ PUBLIC_URL: 'http://localhost:3000' }).authSecret.length).toBeGreaterThanOrEqual(32);
  });
});

describe('finding 12: no password oracle for deactivated users', () => {
  it("a deactivated user's right password gets exactly the answer of a wrong one", async () => {
    const mentor = await s.createUser('mentor');
    await db.prisma.user.update({ where: { id: mentor.id }, data: { isActive: false } });
    const right = await signInAt(s, '/api/auth/sign-in/email', mentor.email, mentor.password);
    const wrong = await signInAt(s, '/api/auth/sign-in/email', mentor.email, `${mentor.password}-wrong`);
    expect(right.status).toBe(401);
    expect({ status: right.status, body: right.json }).toEqual({ status: wrong.status, body: wrong.json });
    expect(right.json).toMatchObject({ code: 'INVALID_EMAIL_OR_PASSWORD' });
    expect(right.headers['set-cookie'] ?? []).toEqual([]);
    expect(await db.prisma.session.count({ where: { userId: mentor.id } })).toBe(0);
  });
});

describe('finding 14: behind a reverse proxy', () => {
  it('with TRUSTED_PROXIES each client has its own sign-in bucket, and its address is recorded', async () => {
    const proxied = await serverWith({ signInPerMinute: 2, trustedProxies: ['127.0.0.1', '::1'] });
    const user = await proxied.createUser('student');
    const other = await proxied.createUser('student');
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    expect(
      (await signInAt(proxied, '/api/auth/sign-in/email', user.email, 'wrong-1', from('203.0.113.1'))).status,
    ).toBe(401);
    expect(
      (await signInAt(proxied, '/api/auth/sign-in/email', user.email, 'wrong-2', from('203.0.113.1'))).status,
    ).toBe(401);
    expect(
      (await signInAt(proxied, '/api/auth/sign-in/email', other.email, 'wrong-3', from('203.0.113.1'))).status,
    ).toBe(429);
    // Another client behind the same proxy is not limited by the first one.
    const ok = await signInAt(proxied, '/api/auth/sign-in/email', other.email, other.password, from('203.0.113.2'));
    expect(ok.status).toBe(200);
    const session = await db.prisma.session.findFirstOrThrow({ where: { userId: other.id } });
    expect(session.ipAddress).toBe('203.0.113.2');
    // The account limit holds across clients: the 3rd attempt on one account from a 3rd address.
    expect(
      (await signInAt(proxied, '/api/auth/sign-in/email', user.email, 'wrong-4', from('203.0.113.3'))).status,
    ).toBe(429);
  });

  it('without TRUSTED_PROXIES a client cannot pick its own address with X-Forwarded-For', async () => {
    const direct = await serverWith({ signInPerMinute: 2 });
    const user = await direct.createUser('student');
    const statuses: number[] = [];
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3'])
      statuses.push(
        (await signInAt(direct, '/api/auth/sign-in/email', `${ip}@example.test`, 'wrong', { 'x-forwarded-for': ip }))
          .status,
      );
    expect(statuses).toEqual([401, 401, 429]);
    const res = await signInAt(direct, '/api/auth/sign-in/email', user.email, user.password, {
      'x-forwarded-for': '198.51.100.9',
      'x-worklets-client-ip': '198.51.100.9',
    });
    expect(res.status).toBe(429);
  });
});

describe('request log', () => {
  it('one line a request with method, route, status, ms and user id; never cookies or passwords', async () => {
    const student = await s.createUser('student', { password: 'a-secret-password-123' });
    const before = s.logs.length;
    const res = await s.signInRequest(student.email, student.password);
    const cookie = parseSetCookie(res, sessionCookieName)!.value;
    await me(s, `${sessionCookieName}=${cookie}`);
    await new Promise((r) => setTimeout(r, 50));
    const lines = s.logs.slice(before).filter((line) => line.startsWith('request '));
    expect(lines).toHaveLength(2);
    const [signIn, read] = lines.map((line) => JSON.parse(line.slice('request '.length)));
    expect(signIn).toMatchObject({ method: 'POST', route: '/api/auth/*', status: 200 });
    expect(read).toMatchObject({ method: 'GET', route: '/api/trpc/:path', status: 200, user: student.id });
    expect(typeof read.ms).toBe('number');
    const all = s.logs.slice(before).join('\n');
    expect(all).not.toContain(cookie.split('.')[0]);
    expect(all).not.toContain('a-secret-password-123');
    expect(all.toLowerCase()).not.toContain('cookie');
  });
});
