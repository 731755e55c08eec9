/**
 * The first admin of a server deployment (as Grafana and Gitea do it): while no active admin
 * exists, every start prints a new one-time setup link (the older ones die). Never in demo
 * mode (its admin has a published password) and never once an admin exists.
 */
import { firstAdminLinkHours, issueFirstAdminLink } from '@worklets/api/first-admin';
import { upsertUserWithPassword } from '@worklets/auth/accounts';
import type { PrismaClient } from '@worklets/db';

export async function announceFirstAdminLink(
  prisma: PrismaClient,
  options: { demo: boolean; publicUrl: string; print: (line: string) => void },
): Promise<string | null> {
  if (options.demo) return null;
  const link = await issueFirstAdminLink(prisma, { publicUrl: options.publicUrl });
  if (!link) return null;
  options.print(
    `No admin yet: open ${link.link} within ${firstAdminLinkHours} h to create the first one (or run pnpm create-admin).`,
  );
  return link.link;
}

/**
 * `WORKLETS_ADMIN_EMAIL` / `WORKLETS_ADMIN_PASSWORD`: the first admin of an unattended
 * deployment, made on start only while no active admin exists. Once one does, the variables
 * change nothing: a restart never reactivates, promotes or resets anyone behind the admins'
 * backs (use `pnpm create-admin` for that, deliberately).
 */
export async function ensureFirstAdminFromEnv(
  prisma: PrismaClient,
  admin: { email: string; password: string },
  print: (line: string) => void,
): Promise<'created' | 'skipped'> {
  const existing = await prisma.user.count({ where: { role: 'admin', isActive: true } });
  if (existing > 0) {
    print('WORKLETS_ADMIN_EMAIL ignored: an active admin exists (pnpm create-admin changes admins on purpose).');
    return 'skipped';
  }
  const user = await upsertUserWithPassword(prisma, { ...admin, name: admin.email.split('@')[0]!, role: 'admin' });
  print(`admin ready: ${user.email}`);
  return 'created';
}
