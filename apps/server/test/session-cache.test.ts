import type { IncomingMessage } from 'node:http';
import type { Auth } from '@worklets/auth';
import { describe, expect, it } from 'vitest';
import { createSessionResolver } from '../src/session.ts';

function fakeAuth(
  users: Record<string, { id: string; name: string; email: string; role: string; isActive: boolean } | null>,
) {
  const calls: string[] = [];
  const auth = {
    api: {
      getSession: async ({ headers }: { headers: Headers }) => {
        const token = /session_token=([^;]+)/.exec(headers.get('cookie') ?? '')?.[1] ?? '';
        calls.push(token);
        const user = users[token];
        return user ? { user, session: {} } : null;
      },
    },
  } as unknown as Auth;
  return { auth, calls };
}

const request = (cookie?: string) => ({ headers: cookie ? { cookie } : {} }) as IncomingMessage;

describe('session resolver', () => {
  const ada = { id: '7', name: 'Ada', email: 'ada@x.example', role: 'admin', isActive: true };

  it('looks a session up once, then serves it from memory until the TTL ends', async () => {
    let clock = 1_000;
    const { auth, calls } = fakeAuth({ t1: ada });
    const sessions = createSessionResolver(auth, { ttlMs: 5_000, now: () => clock });
    const req = request('other=1; worklets.session_token=t1');
    expect(await sessions.resolve(req)).toEqual({ id: 7, name: 'Ada', email: 'ada@x.example', role: 'admin' });
    expect(await sessions.resolve(req)).toMatchObject({ id: 7 });
    expect(calls).toEqual(['t1']);
    clock += 5_001;
    await sessions.resolve(req);
    expect(calls).toEqual(['t1', 't1']);
  });

  it('forgets a cookie on sign-out and every session of a changed user at once', async () => {
    const users: Record<string, typeof ada | null> = { t1: ada, t2: ada };
    const { auth, calls } = fakeAuth(users);
    const sessions = createSessionResolver(auth);
    await sessions.resolve(request('worklets.session_token=t1'));
    await sessions.resolve(request('worklets.session_token=t2'));
    users.t1 = null;
    sessions.forgetCookie(request('worklets.session_token=t1'));
    expect(await sessions.resolve(request('worklets.session_token=t1'))).toBeNull();
    users.t2 = { ...ada, role: 'mentor' };
    sessions.forgetUser(7);
    expect(await sessions.resolve(request('worklets.session_token=t2'))).toMatchObject({ role: 'mentor' });
    expect(calls).toEqual(['t1', 't2', 't1', 't2']);
  });

  it('never remembers a missing, unknown or deactivated session', async () => {
    const { auth, calls } = fakeAuth({ gone: { ...ada, isActive: false } });
    const sessions = createSessionResolver(auth);
    expect(await sessions.resolve(request())).toBeNull();
    expect(await sessions.resolve(request('worklets.session_token=nope'))).toBeNull();
    expect(await sessions.resolve(request('worklets.session_token=gone'))).toBeNull();
    expect(await sessions.resolve(request('worklets.session_token=gone'))).toBeNull();
    expect(calls).toEqual(['nope', 'gone', 'gone']);
  });
});
