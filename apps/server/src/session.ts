/**
 * The signed-in user of a request, from its session cookie (better-auth, sessions table).
 *
 * Resolved sessions are remembered for a few seconds: looking one up through better-auth
 * (cookie signature, one SQL statement) cost more CPU than a whole card page
 * (apps/bench). What must take effect at once still does, in this process: sign-out forgets
 * its cookie, and deactivating a user or changing their role forgets all their sessions
 * (`forgetUser`, called by the API through the context). A session deleted by anything
 * else (another process, SQL by hand) stops working within `ttlMs`.
 */

import type { IncomingMessage } from 'node:http';
import type { SessionUser } from '@worklets/api';
import type { Auth } from '@worklets/auth';
import { fromNodeHeaders } from 'better-auth/node';

const cookieName = /(?:^|;\s*)(?:__Secure-)?worklets\.session_token=([^;]+)/;

export function sessionCookie(req: IncomingMessage): string | null {
  return cookieName.exec(req.headers.cookie ?? '')?.[1] ?? null;
}

export function createSessionResolver(
  auth: Auth,
  options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
) {
  const ttlMs = options.ttlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { user: SessionUser; expires: number }>();

  async function lookup(req: IncomingMessage): Promise<SessionUser | null> {
    const session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
    if (!session) return null;
    const user = session.user as typeof session.user & { role: SessionUser['role']; isActive: boolean };
    if (!user.isActive) return null;
    return { id: Number(user.id), name: user.name, email: user.email, role: user.role };
  }

  return {
    async resolve(req: IncomingMessage): Promise<SessionUser | null> {
      const cookie = sessionCookie(req);
      if (!cookie) return null;
      const hit = cache.get(cookie);
      if (hit && hit.expires > now()) return hit.user;
      const user = await lookup(req);
      if (!user) {
        cache.delete(cookie);
        return null;
      }
      if (ttlMs > 0) {
        if (cache.size >= maxEntries) cache.clear();
        cache.set(cookie, { user, expires: now() + ttlMs });
      }
      return user;
    },
    /** Sign-out: this cookie's session is gone. */
    forgetCookie(req: IncomingMessage): void {
      const cookie = sessionCookie(req);
      if (cookie) cache.delete(cookie);
    },
    /** The user was deactivated or changed: their sessions must be looked up again. */
    forgetUser(userId: number): void {
      for (const [cookie, entry] of cache) if (entry.user.id === userId) cache.delete(cookie);
    },
  };
}

export type SessionResolver = ReturnType<typeof createSessionResolver>;
