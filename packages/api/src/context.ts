/**
 * The tRPC context: the database and the signed-in user. `createContextInner` builds it
 * without HTTP, for tests and scripts; the server's `createContext` resolves the session
 * from the request and calls it.
 * https://trpc.io/docs/server/context#inner-and-outer-context
 */
import type { PrismaClient } from '@worklets/db';
import type { ApiTokenScope } from '@worklets/validators/api-tokens';
import type { UserRole } from '@worklets/validators/users';

/** What the API knows of the signed-in user: enough to scope queries and record actors. */
export type SessionUser = { id: number; name: string; email: string; role: UserRole };

/** The API token a REST call (/api/v1) came with; null on the dashboard's cookie paths. */
export type ApiTokenGrant = { id: number; scope: ApiTokenScope };

export type ContextOptions = {
  db: PrismaClient;
  user: SessionUser | null;
  apiToken?: ApiTokenGrant | null;
  /** Told when a user is deactivated or changed, so that cached sessions are looked up again. */
  onUserChanged?: (userId: number) => void;
  /** Told when one session ends, so that its cache entry goes too. */
  onSessionEnded?: (token: string) => void;
  /** The token of the request's session (accounts.sessions marks it "this device"). */
  sessionToken?: string | null;
  /** Where one-time account links point (PUBLIC_URL), and how long an invitation lasts. */
  publicUrl?: string;
  invitationHours?: number;
};

export function createContextInner(options: ContextOptions) {
  return {
    db: options.db,
    user: options.user,
    apiToken: options.apiToken ?? null,
    onUserChanged: options.onUserChanged ?? (() => {}),
    onSessionEnded: options.onSessionEnded ?? (() => {}),
    sessionToken: options.sessionToken ?? null,
    accountLinks: { publicUrl: options.publicUrl ?? 'http://localhost:3000', hours: options.invitationHours ?? 72 },
  };
}

export type Context = ReturnType<typeof createContextInner>;
