/**
 * Sign-in through the real HTTP server: the session cookie's attributes, wrong passwords,
 * the typed client, sign-out and deactivation revoking sessions in the database, no
 * self sign-up, and how passwords are stored.
 */
import { createAuth } from '@worklets/auth';
import { connectWorklets, SignInError, TRPCClientError } from '@worklets/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  cookieHeader,
  parseSetCookie,
  readBody,
  sessionCookieName,
  startTestServer,
  type TestServer,
  type TestUser,
  testSecret,
} from './test-server.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let s: TestServer;
let admin: TestUser;

beforeAll(async () => {
  s = await startTestServer();
  admin = await s.createUser('admin');
});

afterAll(async () => {
  await s?.close();
});

const sevenDays = 7 * 24 * 60 * 60;

async function sessionRows(userId: number) {
  return s.prisma.session.count({ where: { userId } });
}

/** users.me over HTTP with this Cookie header: the status and the user (or error code). */
async function me(cookie: string) {
  const res = await s.query('users.me', undefined, { cookie });
  const { json } = await readBody(res);
  return { status: res.status, user: json?.result?.data?.json ?? null, code: json?.error?.json?.data?.code ?? null };
}

describe('sign-in', () => {
  it('with the right password sets an HttpOnly, SameSite=Lax, bounded session cookie (not Secure on http)', async () => {
    const student = await s.createUser('student');
    const res = await s.signInRequest(student.email, student.password);
    expect(res.status).toBe(200);
    const cookie = parseSetCookie(res, sessionCookieName);
    expect(cookie, `set-cookie: ${res.headers.getSetCookie().join(' | ')}`).not.toBeNull();
    expect(cookie!.value.length).toBeGreaterThan(20);
    expect(cookie!.attrs.get('httponly')).toBe(true);
    expect(String(cookie!.attrs.get('samesite')).toLowerCase()).toBe('lax');
    expect(cookie!.attrs.get('path')).toBe('/');
    const maxAge = Number(cookie!.attrs.get('max-age'));
    expect(Number.isInteger(maxAge)).toBe(true);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(sevenDays);
    expect(cookie!.attrs.has('secure')).toBe(false);
    // No cookie of the session is readable by scripts.
    for (const raw of res.headers.getSetCookie()) expect(raw.toLowerCase()).toContain('httponly');
    // One session row for this user, and the cookie signs them in.
    expect(await sessionRows(student.id)).toBe(1);
    expect(await me(cookieHeader(res))).toMatchObject({
      status: 200,
      user: { id: student.id, email: student.email, role: 'student' },
    });
  });

  it('on an https public URL sets Secure cookies', async () => {
    const student = await s.createUser('student');
    const httpsAuth = createAuth({ prisma: s.prisma, baseURL: 'https://worklets.example', secret: testSecret });
    const res = await httpsAuth.handler(
      new Request('https://worklets.example/api/auth/sign-in/email', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://worklets.example' },
        body: JSON.stringify({ email: student.email, password: student.password }),
      }),
    );
    expect(res.status).toBe(200);
    const setCookies = res.headers.getSetCookie();
    expect(setCookies.length).toBeGreaterThan(0);
    const cookie = parseSetCookie(res, `__Secure-${sessionCookieName}`);
    expect(cookie, `set-cookie: ${setCookies.join(' | ')}`).not.toBeNull();
    expect(cookie!.attrs.get('secure')).toBe(true);
    expect(cookie!.attrs.get('httponly')).toBe(true);
    expect(String(cookie!.attrs.get('samesite')).toLowerCase()).toBe('lax');
    expect(Number(cookie!.attrs.get('max-age'))).toBeLessThanOrEqual(sevenDays);
    for (const raw of setCookies) expect(raw.toLowerCase()).toContain('; secure');
  });

  it('with a wrong password answers 401, sets no cookie and creates no session', async () => {
    const mentor = await s.createUser('mentor');
    const res = await s.signInRequest(mentor.email, `${mentor.password}-wrong`);
    expect(res.status).toBe(401);
    expect(parseSetCookie(res, sessionCookieName)).toBeNull();
    expect(await sessionRows(mentor.id)).toBe(0);
    // An unknown email gets the same answer (no account enumeration by status).
    const unknown = await s.signInRequest(`nobody.${s.unique()}@example.test`, mentor.password);
    expect(unknown.status).toBe(401);
    expect(parseSetCookie(unknown, sessionCookieName)).toBeNull();
  });

  it('the typed client signs in and calls users.me over HTTP', async () => {
    const mentor = await s.createUser('mentor');
    const client = await connectWorklets({ baseUrl: s.url, email: mentor.email, password: mentor.password });
    expect(await client.api.users.me.query()).toEqual({
      id: mentor.id,
      name: mentor.name,
      email: mentor.email,
      role: 'mentor',
    });
    // A write goes through the origin check too (the client sends our Origin): FORBIDDEN is the API's answer, not the host's 403 page.
    const error = await client.api.worklets.create
      .mutate({ title: 'Not allowed', idempotencyKey: '6f1c1a8e-3c1b-4d2e-9f00-000000000003' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as InstanceType<typeof TRPCClientError>).data?.code).toBe('FORBIDDEN');

    const anonymous = await connectWorklets({ baseUrl: s.url });
    const unauthorized = await anonymous.api.users.me.query().catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(TRPCClientError);
    expect((unauthorized as InstanceType<typeof TRPCClientError>).data?.code).toBe('UNAUTHORIZED');

    await expect(
      connectWorklets({ baseUrl: s.url, email: mentor.email, password: 'not-the-password' }),
    ).rejects.toBeInstanceOf(SignInError);
  });
});

describe('sign-out', () => {
  it('deletes the session row and the old cookie stops working', async () => {
    const mentor = await s.createUser('mentor');
    const cookie = await s.signIn(mentor);
    expect((await me(cookie)).status).toBe(200);
    expect(await sessionRows(mentor.id)).toBe(1);

    const res = await fetch(`${s.url}/api/auth/sign-out`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: s.url, cookie },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(await sessionRows(mentor.id)).toBe(0);
    // The browser is told to forget the cookie, and a client that kept it is signed out anyway.
    expect(parseSetCookie(res, sessionCookieName)?.attrs.get('max-age')).toBe('0');
    expect(await me(cookie)).toMatchObject({ status: 401, code: 'UNAUTHORIZED', user: null });
  });

  it('the typed client signs out, which revokes its session', async () => {
    const student = await s.createUser('student');
    const client = await connectWorklets({ baseUrl: s.url, email: student.email, password: student.password });
    expect(await sessionRows(student.id)).toBe(1);
    await client.signOut();
    expect(await sessionRows(student.id)).toBe(0);
  });
});

describe('deactivation', () => {
  it('users.setActive(false) ends every session of the user at once, and they cannot sign in again', async () => {
    const mentor = await s.createUser('mentor');
    const laptop = await s.signIn(mentor);
    const phone = await s.signIn(mentor);
    expect(laptop).not.toBe(phone);
    expect((await me(laptop)).status).toBe(200);
    expect((await me(phone)).status).toBe(200);
    expect(await sessionRows(mentor.id)).toBe(2);

    const adminClient = await connectWorklets({ baseUrl: s.url, email: admin.email, password: admin.password });
    const updated = await adminClient.api.users.setActive.mutate({ id: mentor.id, isActive: false });
    expect(updated.isActive).toBe(false);

    expect(await sessionRows(mentor.id)).toBe(0);
    expect(await me(laptop)).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(await me(phone)).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });

    const again = await s.signInRequest(mentor.email, mentor.password);
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
    expect(parseSetCookie(again, sessionCookieName)?.value ?? '').toBe('');
    expect(await sessionRows(mentor.id)).toBe(0);

    // Reactivated, the same password works again.
    await adminClient.api.users.setActive.mutate({ id: mentor.id, isActive: true });
    expect((await me(await s.signIn(mentor))).status).toBe(200);
  });

  it('a session of a user marked inactive directly in the database is refused', async () => {
    const student = await s.createUser('student');
    const cookie = await s.signIn(student);
    await s.prisma.user.update({ where: { id: student.id }, data: { isActive: false } });
    expect(await me(cookie)).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });
});

describe('accounts', () => {
  it('there is no self sign-up', async () => {
    const email = `signup.${s.unique()}@example.test`;
    const usersBefore = await s.prisma.user.count();
    const res = await fetch(`${s.url}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: s.url },
      body: JSON.stringify({ email, password: 'a-long-password', name: 'Mallory' }),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(parseSetCookie(res, sessionCookieName)).toBeNull();
    expect(await s.prisma.user.findUnique({ where: { email } })).toBeNull();
    expect(await s.prisma.user.count()).toBe(usersBefore);
  });

  it('stores an scrypt salt:key hash, never the password', async () => {
    const student = await s.createUser('student', { password: 'correct horse battery staple' });
    const accounts = await s.prisma.account.findMany({ where: { userId: student.id } });
    expect(accounts).toHaveLength(1);
    const hash = accounts[0]!.password!;
    expect(accounts[0]!.providerId).toBe('credential');
    expect(hash).not.toBe(student.password);
    expect(hash).not.toContain(student.password);
    // better-auth's scrypt: 16 random bytes of salt and a 64-byte key, both hex.
    expect(hash).toMatch(/^[0-9a-f]{32}:[0-9a-f]{128}$/);
    // Salted: the same password gets another hash for another user.
    const other = await s.createUser('student', { password: 'correct horse battery staple' });
    const otherHash = (await s.prisma.account.findFirstOrThrow({ where: { userId: other.id } })).password;
    expect(otherHash).not.toBe(hash);
    expect((await me(await s.signIn(student))).status).toBe(200);
  });
});
