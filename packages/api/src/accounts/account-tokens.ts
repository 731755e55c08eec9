/**
 * One-time account links: an invitation, a password reset, the first admin's setup link.
 * The link carries a 32-byte random secret in its fragment (`/invite#...`: browsers do not
 * send fragments, so servers and proxies never log it); the table keeps only its SHA-256,
 * so a copy of the database cannot be used to take over an account. A link is used once:
 * `consumeAccountToken` marks it used in the same statement that finds it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Tx } from '../assignments/mentor-changes.ts';

export type AccountTokenPurpose = 'invitation' | 'password_reset' | 'first_admin';

/** Where each kind of link opens in the web app. */
const linkPaths: Record<AccountTokenPurpose, string> = {
  invitation: '/invite',
  password_reset: '/reset',
  first_admin: '/setup',
};

export type AccountLink = { link: string; expiresAt: Date };

export function hashAccountSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * A new link for `userId` (null: the first admin's setup link). An admin's link (an
 * invitation, a reset) replaces every older unused link that sets this user's password: one
 * live link per person. A self-service reset (`replaceOlder: false`) replaces nothing, so
 * that nobody can cancel someone's invitation or reset by asking for a reset in their name.
 */
export async function issueAccountToken(
  tx: Tx,
  options: {
    userId: number | null;
    purpose: AccountTokenPurpose;
    createdById: number | null;
    publicUrl: string;
    hours: number;
    now?: Date;
    replaceOlder?: boolean;
  },
): Promise<AccountLink> {
  const now = options.now ?? new Date();
  const secret = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + options.hours * 3_600_000);
  if (options.replaceOlder !== false)
    await tx.accountToken.deleteMany({
      where:
        options.userId === null
          ? { purpose: 'first_admin' }
          : { userId: options.userId, purpose: { in: ['invitation', 'password_reset'] } },
    });
  await tx.accountToken.create({
    data: {
      userId: options.userId,
      purpose: options.purpose,
      tokenHash: hashAccountSecret(secret),
      createdById: options.createdById,
      createdAt: now,
      expiresAt,
    },
    select: { id: true },
  });
  return { link: `${options.publicUrl.replace(/\/$/, '')}${linkPaths[options.purpose]}#${secret}`, expiresAt };
}

/**
 * Uses the link with this secret: marks it used and returns it, or null when it does not
 * exist, expired or was used (one answer for all three: nothing said about the account).
 */
export async function consumeAccountToken(tx: Tx, secret: string, now = new Date()) {
  const rows = await tx.$queryRaw<{ id: number; user_id: number | null; purpose: AccountTokenPurpose }[]>`
    UPDATE account_tokens SET used_at = ${now}
    WHERE token_hash = ${hashAccountSecret(secret)} AND used_at IS NULL AND expires_at > ${now}
    RETURNING id, user_id, purpose::text AS purpose`;
  const row = rows[0];
  return row ? { id: row.id, userId: row.user_id, purpose: row.purpose } : null;
}
