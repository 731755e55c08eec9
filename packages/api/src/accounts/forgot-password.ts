/**
 * "Forgot password?": when the address belongs to an active user, a reset link is queued as
 * an email. The caller answers the same whether or not it does (no account enumeration).
 */
import type { PrismaClient } from '@worklets/db';
import { queueAccountMail } from '../mail/account-mail.ts';
import { issueAccountToken } from './account-tokens.ts';

/** A reset link asked for by email lasts an hour: shorter than an admin's invitation. */
const forgotLinkHours = 1;

export async function requestPasswordReset(
  db: PrismaClient,
  email: string,
  options: { publicUrl: string; now?: Date },
): Promise<void> {
  await db.$transaction(async (tx) => {
    const user = await tx.user.findFirst({
      where: { email, isActive: true },
      select: { id: true, email: true, name: true },
    });
    if (!user) return;
    const link = await issueAccountToken(tx, {
      userId: user.id,
      purpose: 'password_reset',
      createdById: null,
      publicUrl: options.publicUrl,
      hours: forgotLinkHours,
      now: options.now,
    });
    await queueAccountMail(tx, { kind: 'password_reset', to: user, ...link });
  });
}
