/**
 * Opening a one-time link: the person sets a password (and, with the first admin's setup
 * link, their name and email), in one transaction that also marks the link used. Every bad
 * link (unknown, forged, expired, used, for a deactivated user, a setup link once an admin
 * exists) gets the same answer, `AccountLinkError`, which says nothing about the account.
 */
import type { PrismaClient } from '@worklets/db';
import type { Tx } from '../assignments/mentor-changes.ts';
import { consumeAccountToken } from './account-tokens.ts';
import { hashPassword, setPasswordHash } from './credentials.ts';

export const accountLinkMessage = 'This link has expired or was already used; ask your coordinator for a new one.';

export class AccountLinkError extends Error {
  constructor() {
    super(accountLinkMessage);
  }
}

/** The setup link needs these; invitations and resets ignore them. */
export class FirstAdminDetailsMissing extends Error {
  constructor(message = 'Enter your name and email address.') {
    super(message);
  }
}

export type AcceptLinkInput = { token: string; password: string; name?: string; email?: string };

/** The account whose password was set: sign them in with `email` and the new password. */
export type AcceptedLink = { userId: number; email: string; purpose: 'invitation' | 'password_reset' | 'first_admin' };

async function createFirstAdmin(tx: Tx, input: AcceptLinkInput) {
  if (!input.name || !input.email) throw new FirstAdminDetailsMissing();
  // One first admin at a time: row locks cannot serialise "no admin exists yet" (there is no
  // row to lock), so two setups at once take a transaction-level advisory lock first.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('worklets first admin'))`;
  const admins = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id FOR UPDATE`;
  if (admins.length > 0) throw new AccountLinkError();
  // A new account only: the setup link never promotes or reactivates an existing one (its old
  // sessions and API tokens would come back with it); `pnpm create-admin` does that on purpose.
  const taken = await tx.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (taken)
    throw new FirstAdminDetailsMissing(
      'This email belongs to an existing account: choose another, or make it an admin with pnpm create-admin.',
    );
  const user = await tx.user.create({
    data: { email: input.email, name: input.name, role: 'admin', isActive: true },
    select: { id: true, email: true },
  });
  await tx.accountToken.deleteMany({ where: { purpose: 'first_admin' } });
  return user;
}

export async function acceptAccountLink(
  db: PrismaClient,
  input: AcceptLinkInput,
  now = new Date(),
): Promise<AcceptedLink> {
  // Hashed before the transaction: scrypt takes tens of milliseconds, no row lock should wait for it.
  const hash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    const token = await consumeAccountToken(tx, input.token, now);
    if (!token) throw new AccountLinkError();
    let user: { id: number; email: string } | null;
    if (token.purpose === 'first_admin') user = await createFirstAdmin(tx, input);
    else {
      user = token.userId
        ? await tx.user.findFirst({ where: { id: token.userId, isActive: true }, select: { id: true, email: true } })
        : null;
      if (!user) throw new AccountLinkError();
      // A new password ends every session of the account (someone else may have had it).
      await tx.session.deleteMany({ where: { userId: user.id } });
    }
    await setPasswordHash(tx, user.id, hash);
    // The password is set: every other link that would set it dies (other resets, an invitation).
    await tx.accountToken.deleteMany({
      where: { userId: user.id, purpose: { in: ['invitation', 'password_reset'] }, id: { not: token.id } },
    });
    return { userId: user.id, email: user.email, purpose: token.purpose };
  });
}
