/**
 * Creating a user from the command line (`pnpm invite`), as the Users screen does: the user
 * and their one-time invitation in one transaction, on behalf of an active admin (the one
 * named, else the first). The link is returned to print, and mailed when mail is configured.
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@worklets/db';
import { type CreateUserInput, createUserInput } from '@worklets/validators/users';
import type { LinkSettings } from '../accounts/admin-links.ts';
import { badRequest } from '../errors.ts';
import { createUser } from './user-writes.ts';

export async function inviteUser(
  db: PrismaClient,
  input: CreateUserInput,
  by: string | undefined,
  links: LinkSettings,
) {
  const parsed = createUserInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badRequest(`${String(issue.path[0] ?? 'input')}: ${issue.message}`);
  }
  const admin = await db.user.findFirst({
    where: { role: 'admin', isActive: true, ...(by ? { email: by.trim().toLowerCase() } : {}) },
    select: { id: true, name: true },
    orderBy: { id: 'asc' },
  });
  if (!admin)
    throw badRequest(
      by
        ? `${by} is not an active admin.`
        : 'No active admin yet: create the first one (pnpm create-admin, or the setup link the server prints).',
    );
  return createUser(db, { ...parsed.data, idempotencyKey: randomUUID() }, admin, links);
}
