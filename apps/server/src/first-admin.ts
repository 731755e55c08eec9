/**
 * The first admin of a server deployment (as Grafana and Gitea do it): while no active admin
 * exists, every start prints a new one-time setup link (the older ones die). Never in demo
 * mode (its admin has a published password) and never once an admin exists.
 */
import { firstAdminLinkHours, issueFirstAdminLink } from '@worklets/api/first-admin';
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
