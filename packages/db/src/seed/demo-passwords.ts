/**
 * Passwords for the demo data's sign-in accounts (README, "Demo accounts"):
 * admin@, mentor@ and student@worklets.example, all with the password below.
 * Set only in demo mode (WORKLETS_DEMO=1): when the server loads the demo program into an
 * empty database, and by `pnpm db:seed`. Hashed with better-auth's scrypt, so its sign-in
 * verifies them.
 */
import { hashPassword } from 'better-auth/crypto';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { demoEmails } from './program.ts';

export const demoPassword = 'worklets-demo';
const demoAccountEmails = Object.values(demoEmails);

export async function setDemoPasswords(prisma: PrismaClient): Promise<number> {
  const users = await prisma.user.findMany({ where: { email: { in: [...demoAccountEmails] } }, select: { id: true } });
  const hash = await hashPassword(demoPassword);
  await prisma.$transaction([
    prisma.account.deleteMany({ where: { userId: { in: users.map((u) => u.id) }, providerId: 'credential' } }),
    prisma.account.createMany({
      data: users.map((u) => ({ userId: u.id, accountId: String(u.id), providerId: 'credential', password: hash })),
    }),
  ]);
  return users.length;
}
