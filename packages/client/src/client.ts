/**
 * A typed Worklets client for other internal services and scripts (Node 20+).
 * Types come from the API's router type only; no server code is bundled.
 *
 *   const worklets = await connectWorklets({ baseUrl: 'http://localhost:3000', email, password });
 *   const page = await worklets.api.worklets.list.query({ coverage: 'needs_primary' });
 *
 * It signs in with email and password (a server-side session, like the browser), sends
 * the session cookie on every call, and sends the server's own Origin on writes, which
 * the server requires of every non-GET request.
 */

import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@worklets/api';
import { maxBatchSize } from '@worklets/validators/limits';
import superjson from 'superjson';

export type WorkletsClientOptions = {
  baseUrl: string;
  /** Sign in with these credentials; omit both for public procedures only. */
  email?: string;
  password?: string;
  fetch?: typeof fetch;
};

export class SignInError extends Error {}

export async function connectWorklets(options: WorkletsClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/$/, '');
  const origin = new URL(baseUrl).origin;
  const doFetch = options.fetch ?? fetch;
  let cookie = '';
  if (options.email !== undefined || options.password !== undefined) {
    const res = await doFetch(`${baseUrl}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ email: options.email, password: options.password }),
    });
    if (!res.ok) throw new SignInError(`sign-in failed (${res.status}): ${(await res.text()).slice(0, 200)}`);
    cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  }
  const api = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${baseUrl}/api/trpc`,
        transformer: superjson,
        maxItems: maxBatchSize,
        fetch: doFetch,
        headers: () => ({ origin, ...(cookie ? { cookie } : {}) }),
      }),
    ],
  });
  return {
    api,
    async signOut() {
      if (!cookie) return;
      await doFetch(`${baseUrl}/api/auth/sign-out`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, cookie },
        body: '{}',
      });
      cookie = '';
    },
  };
}

export type WorkletsClient = Awaited<ReturnType<typeof connectWorklets>>;
export { TRPCClientError };
