import type { Auth } from '@worklets/auth';
import { describe, expect, it } from 'vitest';
import { AmbiguousSessionError, createSessionResolver } from '../src/session.ts';

type FakeUser = { id: string; name: string; email: string; role: string; isActive: boolean };

/** better-auth's getSession for cookies `token.signature`: the user of `token`, if any. */
function fakeAuth(users: Record<string, FakeUser | null>) {
  const calls: string[] = [];
  const auth = {
    api: {
      getSession: async ({ headers }: { headers: Headers }) => {
        const token = /session_token=([^.;]+)/.exec(headers.get('cookie') ?? '')?.[1] ?? '';
        calls.push(token);
        const user = users[token];
        return user ? { user, session: { token, expiresAt: new Date(Date.now() + 86_400_000) } } : null;
      },
    },
  } as unknown as Auth;
  return { auth, calls };
}

const cookie = (token: string) => `worklets.session_token=${token}.signature`;

describe('session resolver', () => {
  const ada = { id: '7', name: 'Ada', email: 'ada@x.example', role: 'admin', isActive: true };

  it('looks a session up once, then serves it from memory until the TTL ends', async () => {
    let clock = Date.now();
    const { auth, calls } = fakeAuth({ t1: ada });
    const sessions = createSessionResolver(auth, { https: false, ttlMs: 5_000, now: () => clock });
    const header = `other=1; ${cookie('t1')}`;
    expect((await sessions.resolve(header))?.user).toEqual({
      id: 7,
      name: 'Ada',
      email: 'ada@x.example',
      role: 'admin',
    });
    expect((await sessions.resolve(header))?.user).toMatchObject({ id: 7 });
    expect(calls).toEqual(['t1']);
    clock += 5_001;
    await sessions.resolve(header);
    expect(calls).toEqual(['t1', 't1']);
  });

  it('forgets an ended session and every session of a changed user at once', async () => {
    const users: Record<string, FakeUser | null> = { t1: ada, t2: ada };
    const { auth, calls } = fakeAuth(users);
    const sessions = createSessionResolver(auth, { https: false });
    await sessions.resolve(cookie('t1'));
    await sessions.resolve(cookie('t2'));
    users.t1 = null;
    sessions.forget({ token: 't1' });
    expect(await sessions.resolve(cookie('t1'))).toBeNull();
    users.t2 = { ...ada, role: 'mentor' };
    sessions.forget({ userId: 7 });
    expect((await sessions.resolve(cookie('t2')))?.user).toMatchObject({ role: 'mentor' });
    expect(calls).toEqual(['t1', 't2', 't1', 't2']);
  });

  it('never remembers a missing, unknown or deactivated session', async () => {
    const { auth, calls } = fakeAuth({ gone: { ...ada, isActive: false } });
    const sessions = createSessionResolver(auth, { https: false });
    expect(await sessions.resolve(undefined)).toBeNull();
    expect(await sessions.resolve(cookie('nope'))).toBeNull();
    expect(await sessions.resolve(cookie('gone'))).toBeNull();
    expect(await sessions.resolve(cookie('gone'))).toBeNull();
    expect(calls).toEqual(['nope', 'gone', 'gone']);
  });

  it('does not store a look-up that was in flight when a session ended', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const calls: string[] = [];
    const auth = {
      api: {
        getSession: async () => {
          calls.push('lookup');
          await gate;
          return { user: ada, session: { token: 't1', expiresAt: new Date(Date.now() + 86_400_000) } };
        },
      },
    } as unknown as Auth;
    const sessions = createSessionResolver(auth, { https: false });
    const inFlight = sessions.resolve(cookie('t1'));
    sessions.forget({ token: 't1' });
    release();
    await inFlight;
    expect(sessions.size).toBe(0);
  });

  it('refuses two session cookies and ignores the cookie name of the other scheme', async () => {
    const { auth, calls } = fakeAuth({ t1: ada });
    const sessions = createSessionResolver(auth, { https: false });
    await expect(sessions.resolve(`__Secure-${cookie('x')}; ${cookie('t1')}`)).rejects.toBeInstanceOf(
      AmbiguousSessionError,
    );
    await expect(sessions.resolve(`${cookie('t1')}; ${cookie('t1')}`)).rejects.toBeInstanceOf(AmbiguousSessionError);
    expect(await sessions.resolve(`__Secure-${cookie('t1')}`)).toBeNull();
    expect(calls).toEqual([]);
  });
});
