/**
 * The signed-in user of a request, from its session cookie (better-auth, sessions table).
 *
 * One cookie name per deployment: `worklets.session_token` on http, the `__Secure-` one on
 * https. A request carrying two session cookies (of either name) is refused: which one a
 * cache, a proxy or better-auth would pick is exactly what an attacker who plants a cookie
 * relies on. Only the deployment's cookie is passed on to better-auth.
 *
 * Resolved sessions are remembered for a few seconds: a look-up through better-auth (cookie
 * signature, one SQL statement with its join) took about 3 ms of CPU on the 2-core machine,
 * a remembered one 6 µs (2,000 look-ups, 10 at a time, 2026-12). An entry is stored only
 * under the cookie value whose token better-auth just verified, and only when no session
 * ended while it was being looked up (`generation`), so a look-up in flight cannot bring
 * back a session that sign-out removed. Sessions end here (`endSession`, `forgetUser`)
 * after their rows are gone, and through `broadcast` in every other server process
 * (session-events.ts); while that channel is down nothing is cached.
 */
import type { SessionUser } from '@worklets/api';
import type { Auth } from '@worklets/auth';

const sessionCookieBaseName = 'worklets.session_token';

function sessionCookieName(https: boolean): string {
  return https ? `__Secure-${sessionCookieBaseName}` : sessionCookieBaseName;
}

/** Every cookie of the header that is a session cookie, whatever its prefix. */
export function sessionCookies(header: string | undefined): { name: string; value: string }[] {
  const found: { name: string; value: string }[] = [];
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    if (name.toLowerCase().endsWith(sessionCookieBaseName)) found.push({ name, value: part.slice(eq + 1).trim() });
  }
  return found;
}

export class AmbiguousSessionError extends Error {
  constructor() {
    super('Two session cookies: sign in again.');
  }
}

export type SessionEvent = { token: string } | { userId: number };

export type SessionResolverOptions = {
  https: boolean;
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
};

type Entry = { user: SessionUser; token: string; expires: number };

export function createSessionResolver(auth: Auth, options: SessionResolverOptions) {
  const cookieName = sessionCookieName(options.https);
  const ttlMs = options.ttlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, Entry>();
  let generation = 0;
  /** False while sessions ended in other processes could go unnoticed. */
  let channelUp = true;

  function forget(event: SessionEvent): void {
    generation++;
    for (const [value, entry] of cache)
      if ('token' in event ? entry.token === event.token : entry.user.id === event.userId) cache.delete(value);
  }

  return {
    cookieName,
    /**
     * The user of the request's session cookie, or null. Throws AmbiguousSessionError for
     * two session cookies; database failures propagate.
     */
    async resolve(cookieHeader: string | undefined): Promise<{ user: SessionUser; token: string } | null> {
      const cookies = sessionCookies(cookieHeader);
      if (cookies.length > 1) throw new AmbiguousSessionError();
      const cookie = cookies[0];
      if (!cookie || cookie.name !== cookieName || !cookie.value) return null;
      const hit = cache.get(cookie.value);
      if (hit && hit.expires > now()) return { user: hit.user, token: hit.token };
      const started = generation;
      const session = await auth.api.getSession({
        headers: new Headers({ cookie: `${cookieName}=${cookie.value}` }),
        query: { disableCookieCache: true },
      });
      if (!session) return null;
      const token = session.session.token;
      // The cookie is `token.signature`: keep it only if better-auth verified this very token.
      if (decodeURIComponent(cookie.value).split('.')[0] !== token) return null;
      const user = session.user as typeof session.user & { role: SessionUser['role']; isActive: boolean };
      if (!user.isActive) return null;
      const resolved: SessionUser = { id: Number(user.id), name: user.name, email: user.email, role: user.role };
      if (ttlMs > 0 && channelUp && started === generation) {
        if (cache.size >= maxEntries) cache.clear();
        const expires = Math.min(now() + ttlMs, new Date(session.session.expiresAt).getTime());
        cache.set(cookie.value, { user: resolved, token, expires });
      }
      return { user: resolved, token };
    },
    /** A session ended or a user changed (here or in another process): look them up again. */
    forget,
    /** Whether sessions ended elsewhere reach this process; while not, nothing is cached. */
    setChannelUp(up: boolean): void {
      channelUp = up;
      if (!up) {
        generation++;
        cache.clear();
      }
    },
    /** Entries in the cache (tests). */
    get size() {
      return cache.size;
    },
  };
}

export type SessionResolver = ReturnType<typeof createSessionResolver>;
