/**
 * Passwords, stored as better-auth stores them (the `credential` account row, scrypt hash
 * from `better-auth/crypto`), so that better-auth's sign-in verifies what is set here.
 */
import { hashPassword, verifyPassword } from 'better-auth/crypto';
import type { Tx } from '../assignments/mentor-changes.ts';

/** Gives user `userId` the password whose hash is `hash` (creates their credential account if missing). */
export async function setPasswordHash(tx: Tx, userId: number, hash: string): Promise<void> {
  const updated = await tx.account.updateMany({
    where: { userId, providerId: 'credential' },
    data: { password: hash },
  });
  if (updated.count === 0)
    await tx.account.create({
      data: { userId, accountId: String(userId), providerId: 'credential', password: hash },
      select: { id: true },
    });
}

export { hashPassword };

/** Whether `password` is user `userId`'s current password (false when they have none). */
export async function isCurrentPassword(tx: Tx, userId: number, password: string): Promise<boolean> {
  const account = await tx.account.findFirst({
    where: { userId, providerId: 'credential' },
    select: { password: true },
  });
  if (!account?.password) return false;
  return verifyPassword({ hash: account.password, password });
}
