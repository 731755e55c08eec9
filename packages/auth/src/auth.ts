/**
 * Sign-in for Worklets: better-auth with its Prisma adapter, email and password only.
 * Why better-auth: maintained, made for exactly this (server-side sessions in our own
 * database, scrypt password hashes, signed HttpOnly cookies), and it runs on the same
 * Prisma client as the rest of the product. https://www.better-auth.com/docs
 *
 * - Sessions live in the `sessions` table; deleting a user's rows signs them out
 *   everywhere at once (done when an admin deactivates a user).
 * - There is no self sign-up: admins create users (`create-admin`, the users screen).
 * - Only sign-in (email) and sign-out are served: every other better-auth endpoint is
 *   disabled here (`unusedPaths`), and the server forwards only those two paths.
 * - Rate limits, the Origin check and body limits are the server's (apps/server), so they
 *   cover the API and sign-in alike and answer 429 with a standard Retry-After.
 */
import type { PrismaClient } from '@worklets/db';
import { userRoles } from '@worklets/validators/users';
import { betterAuth } from 'better-auth';
import { prismaAdapter } from 'better-auth/adapters/prisma';
import { APIError } from 'better-auth/api';

/** The better-auth paths (under /api/auth) that Worklets serves. */
export const authPaths = { signIn: '/sign-in/email', signOut: '/sign-out' } as const;

/** Endpoints better-auth has and Worklets does not use: answered 404. */
const unusedPaths = [
  '/account-info',
  '/change-email',
  '/change-password',
  '/delete-user',
  '/delete-user/callback',
  '/get-access-token',
  '/get-session',
  '/link-social',
  '/list-accounts',
  '/list-sessions',
  '/refresh-token',
  '/request-password-reset',
  '/reset-password',
  '/revoke-other-sessions',
  '/revoke-session',
  '/revoke-sessions',
  '/send-verification-email',
  '/sign-in/social',
  '/sign-up/email',
  '/unlink-account',
  '/update-session',
  '/update-user',
  '/verify-email',
  '/verify-password',
];

/** Where better-auth's own log lines go (the server passes its logger). */
export type AuthLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

export type AuthOptions = {
  prisma: PrismaClient;
  /** The public origin of the server, e.g. http://localhost:3000. */
  baseURL: string;
  /** Signs session cookies; at least 32 random characters in production. */
  secret: string;
  /** Other origins allowed to call (the Vite dev server in development). */
  trustedOrigins?: string[];
  /** How long a session lasts without use. */
  sessionDays?: number;
  log?: AuthLog;
};

export function createAuth(options: AuthOptions) {
  return betterAuth({
    appName: 'Worklets',
    baseURL: options.baseURL,
    basePath: '/api/auth',
    secret: options.secret,
    trustedOrigins: options.trustedOrigins ?? [],
    disabledPaths: unusedPaths,
    ...(options.log
      ? { logger: { level: 'warn' as const, log: (level, message) => options.log!(level, String(message)) } }
      : {}),
    database: prismaAdapter(options.prisma, { provider: 'postgresql', transaction: true }),
    advanced: {
      // joins: the session and its user in one statement (with Prisma's relationJoins).
      database: { generateId: 'serial', joins: true },
      cookiePrefix: 'worklets',
      // The server overwrites this header with the socket's address: clients cannot forge it.
      ipAddress: { ipAddressHeaders: ['x-worklets-client-ip'] },
      // Secure cookies whenever the public URL is https.
      useSecureCookies: options.baseURL.startsWith('https://'),
    },
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 8, maxPasswordLength: 128 },
    user: {
      additionalFields: {
        role: { type: [...userRoles], required: false, defaultValue: 'student', input: false },
        isActive: { type: 'boolean', required: false, defaultValue: true, input: false },
      },
    },
    session: {
      expiresIn: 60 * 60 * 24 * (options.sessionDays ?? 7),
      updateAge: 60 * 60 * 24,
    },
    // Limits are enforced by the server for every route (see apps/server/src/rate-limits.ts).
    rateLimit: { enabled: false },
    databaseHooks: {
      session: {
        create: {
          // A deactivated user cannot sign in, and gets the answer of a wrong password: a
          // different one would tell an attacker that the password they tried is right.
          before: async (session, ctx) => {
            const user = await ctx?.context.internalAdapter.findUserById(String(session.userId));
            if (!user || (user as { isActive?: boolean }).isActive === false)
              throw new APIError('UNAUTHORIZED', {
                code: 'INVALID_EMAIL_OR_PASSWORD',
                message: 'Invalid email or password',
              });
          },
        },
      },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;
