/**
 * Sign-in for Worklets: better-auth with its Prisma adapter, email and password only.
 * Why better-auth: maintained, made for exactly this (server-side sessions in our own
 * database, scrypt password hashes, signed HttpOnly cookies), and it runs on the same
 * Prisma client as the rest of the product. https://www.better-auth.com/docs
 *
 * - Sessions live in the `sessions` table; deleting a user's rows signs them out
 *   everywhere at once (done when an admin deactivates a user).
 * - There is no self sign-up: admins create users (`create-admin`, the users screen).
 * - Rate limits, the Origin check and body limits are the server's (apps/server), so they
 *   cover the API and sign-in alike and answer 429 with a standard Retry-After.
 */
import type { PrismaClient } from '@worklets/db';
import { userRoles } from '@worklets/validators/users';
import { betterAuth } from 'better-auth';
import { prismaAdapter } from 'better-auth/adapters/prisma';

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
};

export function createAuth(options: AuthOptions) {
  return betterAuth({
    appName: 'Worklets',
    baseURL: options.baseURL,
    basePath: '/api/auth',
    secret: options.secret,
    trustedOrigins: options.trustedOrigins ?? [],
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
    // Limits are enforced by the server for every route (see apps/server/src/rate-limit.ts).
    rateLimit: { enabled: false },
    databaseHooks: {
      session: {
        create: {
          // A deactivated user cannot sign in.
          before: async (session, ctx) => {
            const user = await ctx?.context.internalAdapter.findUserById(String(session.userId));
            if (!user || (user as { isActive?: boolean }).isActive === false) return false;
          },
        },
      },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;
