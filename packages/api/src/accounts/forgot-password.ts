/**
 * "Forgot password?": when the address belongs to an active user and mail is sent, a reset
 * link is queued as an email. The caller answers the same whether or not it does (no account
 * enumeration), and does not wait for it (the same time too).
 *
 * It never cancels other links: an admin's invitation or reset stays valid (else anyone could
 * keep a person from ever using theirs). At most `maxLiveSelfServiceLinks` of these links live
 * at once per user; they all die when a password is set. Without mail nothing is made: the
 * link could reach nobody.
 */
import type { PrismaClient } from '@worklets/db';
import { queueAccountMail } from '../mail/account-mail.ts';
import { mailSite } from '../mail/outbox.ts';
import { issueAccountToken } from './account-tokens.ts';

/** A reset link asked for by email lasts an hour: shorter than an admin's invitation. */
const forgotLinkHours = 1;
const maxLiveSelfServiceLinks = 3;

export async function requestPasswordReset(
  db: PrismaClient,
  email: string,
  options: { publicUrl: string; now?: Date },
): Promise<void> {
  if (!mailSite.sending) return;
  await db.$transaction(async (tx) => {
    const user = await tx.user.findFirst({
      where: { email, isActive: true },
      select: { id: true, email: true, name: true },
    });
    if (!user) return;
    const now = options.now ?? new Date();
    const live = await tx.accountToken.count({
      where: { userId: user.id, purpose: 'password_reset', createdById: null, usedAt: null, expiresAt: { gt: now } },
    });
    if (live >= maxLiveSelfServiceLinks) return;
    const link = await issueAccountToken(tx, {
      userId: user.id,
      purpose: 'password_reset',
      createdById: null,
      publicUrl: options.publicUrl,
      hours: forgotLinkHours,
      now,
      replaceOlder: false,
    });
    await queueAccountMail(tx, { kind: 'password_reset', to: user, ...link });
  });
}
