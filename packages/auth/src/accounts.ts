/**
 * Users with a password, created by the server rather than by self sign-up: the first
 * admin (create-admin) and the demo accounts. Hashes with better-auth's own scrypt, so
 * better-auth verifies them at sign-in.
 */
import type { PrismaClient } from '@worklets/db';
import { newPassword } from '@worklets/validators/passwords';
import { createUserInput } from '@worklets/validators/users';
import { hashPassword } from 'better-auth/crypto';

export type NewAccount = { email: string; name: string; role: 'admin' | 'mentor' | 'student'; password: string };

export class AccountError extends Error {}

/** The product's password policy (at least 12 characters, not a common password). */
async function checkPassword(password: string): Promise<void> {
  const parsed = await newPassword.safeParseAsync(password);
  if (!parsed.success) throw new AccountError(`password: ${parsed.error.issues[0]!.message}`);
}

/** Creates the user, or gives an existing user with that email a password and the role. */
export async function upsertUserWithPassword(prisma: PrismaClient, account: NewAccount) {
  await checkPassword(account.password);
  const parsed = createUserInput.safeParse({ email: account.email, name: account.name, role: account.role });
  if (!parsed.success)
    throw new AccountError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const { email, name, role } = parsed.data;
  const hash = await hashPassword(account.password);
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.upsert({
      where: { email },
      create: { email, name, role, isActive: true },
      update: { role, isActive: true },
      select: { id: true, email: true, name: true, role: true },
    });
    const existing = await tx.account.findFirst({
      where: { userId: user.id, providerId: 'credential' },
      select: { id: true },
    });
    if (existing) await tx.account.update({ where: { id: existing.id }, data: { password: hash } });
    else
      await tx.account.create({
        data: { userId: user.id, accountId: String(user.id), providerId: 'credential', password: hash },
      });
    return user;
  });
}
