/**
 * Links an admin makes for a user: the invitation when the user is created, a new
 * invitation ("re-send"), a password reset. The admin sees the link (to copy it when there
 * is no mail); the link is also queued as an email in the same transaction.
 */
import type { PrismaClient } from '@worklets/db';
import type { Actor, Tx } from '../assignments/mentor-changes.ts';
import { badRequest, notFound } from '../errors.ts';
import { queueAccountMail } from '../mail/account-mail.ts';
import { type AccountLink, issueAccountToken } from './account-tokens.ts';

export type LinkSettings = { publicUrl: string; hours: number };

type LinkKind = 'invitation' | 'password_reset';

/** Issues the link for `user` (older ones die) and queues its email. */
export async function sendAccountLink(
  tx: Tx,
  user: { id: number; email: string; name: string },
  kind: LinkKind,
  actor: Actor,
  settings: LinkSettings,
): Promise<AccountLink> {
  // One live link per person, also when two admins (or a retried create) ask at once.
  await tx.$queryRaw`SELECT id FROM users WHERE id = ${user.id} FOR UPDATE`;
  const link = await issueAccountToken(tx, {
    userId: user.id,
    purpose: kind,
    createdById: actor.id,
    publicUrl: settings.publicUrl,
    hours: settings.hours,
  });
  await queueAccountMail(tx, { kind, to: { id: user.id, email: user.email, name: user.name }, ...link });
  return link;
}

/** accounts.resendInvitation / accounts.resetPassword: a new link for an active user. */
export async function sendAccountLinkTo(
  db: PrismaClient,
  userId: number,
  kind: LinkKind,
  actor: Actor,
  settings: LinkSettings,
): Promise<AccountLink> {
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({
      where: { id: userId },
      select: { id: true, email: true, name: true, isActive: true },
    });
    if (!user) throw notFound('User');
    if (!user.isActive) throw badRequest('This user is deactivated: reactivate them first.');
    return sendAccountLink(tx, user, kind, actor, settings);
  });
}
