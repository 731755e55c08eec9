/**
 * Accounts over HTTP (issue 10): an invitation link from users.create, accepted on
 * POST /api/account/accept (signed in at once), the one answer for every bad link, limits,
 * "forgot password" with one answer, changing the password ending the other sessions,
 * the sessions list, and the first admin's setup link (a real server process).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mailSite } from '@worklets/api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { forgotPasswordAnswer } from '../src/account-routes.ts';
import { announceFirstAdminLink } from '../src/first-admin.ts';
import {
  cookieHeader,
  freePort,
  readBody,
  startTestServer,
  type TestServer,
  type TestUser,
  testSecret,
} from './test-server.ts';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

const linkMessage = 'This link has expired or was already used; ask your coordinator for a new one.';
const strong = 'a sturdy passphrase 42';

let s: TestServer;
let admin: TestUser;
let adminCookie: string;

beforeAll(async () => {
  s = await startTestServer();
  admin = await s.createUser('admin');
  adminCookie = await s.signIn(admin);
});
afterAll(async () => {
  await s?.close();
});

function post(server: TestServer, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url, ...headers },
    body: JSON.stringify(body),
  });
}

async function data(res: Response) {
  const { json } = await readBody(res);
  return json?.result?.data?.json;
}

async function invite(): Promise<{ id: number; email: string; secret: string }> {
  const email = `invited.${s.unique()}@example.test`;
  const res = await s.mutation(
    'users.create',
    { idempotencyKey: crypto.randomUUID(), email, name: 'Invited Person', role: 'mentor' },
    { cookie: adminCookie },
  );
  expect(res.status).toBe(200);
  const { user, invitation } = await data(res);
  expect(invitation.link).toMatch(new RegExp(`^${s.url}/invite#`));
  return { id: user.id, email, secret: invitation.link.split('#')[1] };
}

const meStatus = async (cookie: string) => (await s.query('users.me', undefined, { cookie })).status;

describe('POST /api/account/accept', () => {
  it('sets the password and signs the person in; the link then gives the one clear answer', async () => {
    const { email, secret } = await invite();
    const res = await post(s, '/api/account/accept', { token: secret, password: strong });
    expect(res.status).toBe(200);
    const cookie = cookieHeader(res);
    expect(await meStatus(cookie)).toBe(200);
    expect((await s.signInRequest(email, strong)).status).toBe(200);

    const again = await post(s, '/api/account/accept', { token: secret, password: `${strong}!` });
    expect(again.status).toBe(400);
    expect((await readBody(again)).json.error).toMatchObject({ message: linkMessage, reason: 'link' });
    const forged = await post(s, '/api/account/accept', { token: 'A'.repeat(43), password: strong });
    expect(forged.status).toBe(400);
    expect((await readBody(forged)).json.error).toMatchObject({ message: linkMessage, reason: 'link' });
    // The secret travels in the body only: no log line carries it.
    expect(s.logs.join('\n')).not.toContain(secret);
  });

  it('a weak password is refused with the policy message and the link stays usable', async () => {
    const { secret } = await invite();
    for (const [password, message] of [
      ['short', 'At least 12 characters'],
      ['qwerty123456', 'This password is too common: choose another'],
    ]) {
      const res = await post(s, '/api/account/accept', { token: secret, password });
      expect(res.status).toBe(400);
      expect((await readBody(res)).json.error).toMatchObject({ message, field: 'password' });
    }
    expect((await post(s, '/api/account/accept', { token: secret, password: strong })).status).toBe(200);
  });

  it('an expired link gets the same answer', async () => {
    const { id, secret } = await invite();
    await s.prisma.accountToken.updateMany({ where: { userId: id }, data: { expiresAt: new Date(Date.now() - 1) } });
    const res = await post(s, '/api/account/accept', { token: secret, password: strong });
    expect(res.status).toBe(400);
    expect((await readBody(res)).json.error.message).toBe(linkMessage);
  });

  it('an admin reset ends the sessions of the user; re-send kills the old link', async () => {
    const user = await s.createUser('mentor');
    const cookie = await s.signIn(user);
    const reset = await data(await s.mutation('accounts.resetPassword', { id: user.id }, { cookie: adminCookie }));
    const secret = reset.link.split('#')[1];
    const newer = await data(await s.mutation('accounts.resetPassword', { id: user.id }, { cookie: adminCookie }));
    expect((await post(s, '/api/account/accept', { token: secret, password: strong })).status).toBe(400);
    const res = await post(s, '/api/account/accept', { token: newer.link.split('#')[1], password: strong });
    expect(res.status).toBe(200);
    expect(await meStatus(cookie)).toBe(401);
    expect(await meStatus(cookieHeader(res))).toBe(200);
  });
});

describe('limits', () => {
  it('accept is limited per IP, forgot per IP and per address (429 with Retry-After)', async () => {
    const limited = await startTestServer({ config: { signInPerMinute: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await post(limited, '/api/account/accept', { token: 'x', password: strong })).status);
      expect(statuses).toEqual([400, 400, 400, 429]);
      const forgot: number[] = [];
      for (let i = 0; i < 2; i++)
        forgot.push((await post(limited, '/api/account/forgot', { email: 'same@example.test' })).status);
      expect(forgot).toEqual([200, 429]);
      const res = await post(limited, '/api/account/forgot', { email: 'other@example.test' });
      expect(res.status).toBe(200);
      const ip = await post(limited, '/api/account/forgot', { email: 'third@example.test' });
      expect(ip.status).toBe(429);
      expect(Number(ip.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe('POST /api/account/forgot', () => {
  it('answers the same for an existing and an unknown address; only the existing one gets a link', async () => {
    const user = await s.createUser('student');
    const known = await post(s, '/api/account/forgot', { email: user.email.toUpperCase() });
    const unknown = await post(s, '/api/account/forgot', { email: 'nobody.here@example.test' });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const [a, b] = [await known.text(), await unknown.text()];
    expect(a).toBe(b);
    expect(JSON.parse(a).message).toBe(forgotPasswordAnswer);
    // No mail configured here: no link is made (it could reach nobody).
    await new Promise((r) => setTimeout(r, 300));
    expect(await s.prisma.accountToken.count({ where: { userId: user.id, purpose: 'password_reset' } })).toBe(0);
  });

  it('with mail, the existing address gets its link after the answer, which does not wait for it', async () => {
    const user = await s.createUser('student');
    mailSite.sending = true;
    try {
      const known = await post(s, '/api/account/forgot', { email: user.email });
      expect(known.status).toBe(200);
      await expect
        .poll(() => s.prisma.accountToken.count({ where: { userId: user.id, purpose: 'password_reset' } }))
        .toBe(1);
    } finally {
      mailSite.sending = false;
    }
  });
});

describe('own password and sessions', () => {
  it('changePassword needs the current password, ends the other sessions (their cookie gets 401), keeps this one', async () => {
    const user = await s.createUser('mentor');
    const here = await s.signIn(user);
    const there = await s.signIn(user);
    const wrong = await s.mutation(
      'accounts.changePassword',
      { currentPassword: 'not the password', newPassword: 'a brand new passphrase' },
      { cookie: here },
    );
    expect(wrong.status).toBe(400);
    expect(await meStatus(there)).toBe(200);
    const sessions = await data(await s.query('accounts.sessions', undefined, { cookie: here }));
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((x: { current: boolean }) => x.current)).toHaveLength(1);
    const ok = await s.mutation(
      'accounts.changePassword',
      { currentPassword: user.password, newPassword: 'a brand new passphrase' },
      { cookie: here },
    );
    expect(ok.status).toBe(200);
    expect(await meStatus(there)).toBe(401);
    expect(await meStatus(here)).toBe(200);
    expect((await s.signInRequest(user.email, user.password)).status).toBe(401);
    expect((await s.signInRequest(user.email, 'a brand new passphrase')).status).toBe(200);
  });

  it('endSession and endOtherSessions end those cookies at once', async () => {
    const user = await s.createUser('student');
    const [a, b, c] = [await s.signIn(user), await s.signIn(user), await s.signIn(user)];
    const list = await data(await s.query('accounts.sessions', undefined, { cookie: a }));
    const other = list.find((x: { current: boolean }) => !x.current);
    expect((await s.mutation('accounts.endSession', { id: other.id }, { cookie: a })).status).toBe(200);
    const alive = [await meStatus(b), await meStatus(c)].filter((st) => st === 200);
    expect(alive).toHaveLength(1);
    expect((await s.mutation('accounts.endOtherSessions', undefined, { cookie: a })).status).toBe(200);
    expect([await meStatus(a), await meStatus(b), await meStatus(c)]).toEqual([200, 401, 401]);
  });

  it('changePassword is limited per user', async () => {
    const limited = await startTestServer({ config: { signInPerMinute: 4 } });
    try {
      const user = await limited.createUser('mentor');
      const cookie = await limited.signIn(user);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push(
          (
            await limited.mutation(
              'accounts.changePassword',
              { currentPassword: 'a wrong guess here', newPassword: 'a brand new passphrase' },
              { cookie },
            )
          ).status,
        );
      expect(statuses).toEqual([400, 400, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('first admin', () => {
  it('no link in demo mode or once an admin exists', async () => {
    const lines: string[] = [];
    const print = (line: string) => lines.push(line);
    expect(await announceFirstAdminLink(s.prisma, { demo: true, publicUrl: s.url, print })).toBeNull();
    expect(await announceFirstAdminLink(s.prisma, { demo: false, publicUrl: s.url, print })).toBeNull();
    expect(lines).toEqual([]);
  });

  it('a server started with no admin prints a setup link; opening it makes the first admin, signed in', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wl-setup-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !/^(WORKLETS_|DATABASE_URL|PUBLIC_URL|BETTER_AUTH_SECRET|TRUSTED_|NODE_ENV|PORT|HOST)/.test(key),
      ),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: {
        ...clean,
        PORT: String(port),
        PUBLIC_URL: url,
        BETTER_AUTH_SECRET: testSecret,
        WORKLETS_DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    try {
      const deadline = Date.now() + 80_000;
      while (!output.includes('No admin yet') && child.exitCode === null && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      const match = output.match(
        /No admin yet: open (http:\/\/127\.0\.0\.1:\d+\/setup#([A-Za-z0-9_-]{43})) within 24 h to create the first one \(or run pnpm create-admin\)\./,
      );
      expect(match, output).not.toBeNull();
      const res = await fetch(`${url}/api/account/accept`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: url },
        body: JSON.stringify({ token: match![2], password: strong, name: 'First Admin', email: 'first@example.test' }),
      });
      expect(res.status).toBe(200);
      const me = await fetch(`${url}/api/trpc/users.me`, { headers: { cookie: cookieHeader(res) } });
      expect((await readBody(me)).json.result.data.json).toMatchObject({ role: 'admin', email: 'first@example.test' });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('pnpm db:seed', () => {
  it('sets the demo passwords only with WORKLETS_DEMO=1, and says what it did', async () => {
    const home = mkdtempSync(join(tmpdir(), 'wl-seed-'));
    const seed = (env: Record<string, string>) =>
      new Promise<string>((resolve, reject) => {
        const clean = Object.fromEntries(
          Object.entries(process.env).filter(([key]) => !/^(WORKLETS_|DATABASE_URL)/.test(key)),
        );
        execFile(
          process.execPath,
          ['--import', 'tsx', 'src/cli.ts', 'seed'],
          { cwd: fileURLToPath(new URL('../../../packages/db', import.meta.url)), env: { ...clean, ...env } },
          (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
        );
      });
    try {
      const plain = await seed({ WORKLETS_DATA_DIR: join(home, 'plain') });
      expect(plain).toContain('no passwords set (WORKLETS_DEMO is not 1)');
      expect(plain).not.toContain('worklets-demo');
      const demo = await seed({ WORKLETS_DATA_DIR: join(home, 'demo'), WORKLETS_DEMO: '1' });
      expect(demo).toContain('demo accounts (3) can sign in with password "worklets-demo"');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
