/**
 * The first admin of a server deployment: while no active admin exists, each server start
 * makes a new setup link (the older ones die) and prints it, as Grafana and Gitea do.
 */
import type { PrismaClient } from '@worklets/db';
import { type AccountLink, issueAccountToken } from './account-tokens.ts';

/** How long the printed setup link works. */
export const firstAdminLinkHours = 24;

/** A new setup link when there is no active admin, else null (and no link is left alive). */
export async function issueFirstAdminLink(
  db: PrismaClient,
  options: { publicUrl: string; now?: Date },
): Promise<AccountLink | null> {
  return db.$transaction(async (tx) => {
    const admin = await tx.user.findFirst({ where: { role: 'admin', isActive: true }, select: { id: true } });
    if (admin) {
      await tx.accountToken.deleteMany({ where: { purpose: 'first_admin' } });
      return null;
    }
    return issueAccountToken(tx, {
      userId: null,
      purpose: 'first_admin',
      createdById: null,
      publicUrl: options.publicUrl,
      hours: firstAdminLinkHours,
      now: options.now,
    });
  });
}
