/**
 * What a signed-in person does with their own account: change their password (the current
 * one required; their other sessions end) and see and end their sessions.
 */
import type { PrismaClient } from '@worklets/db';
import { badRequest, notFound } from '../errors.ts';
import { hashPassword, isCurrentPassword, setPasswordHash } from './credentials.ts';

export async function changeOwnPassword(
  db: PrismaClient,
  userId: number,
  input: { currentPassword: string; newPassword: string },
  currentSessionToken: string | null,
): Promise<{ endedSessions: number }> {
  if (!(await isCurrentPassword(db, userId, input.currentPassword)))
    throw badRequest('Your current password is not right.');
  if (input.currentPassword === input.newPassword) throw badRequest('Choose a password other than your current one.');
  const hash = await hashPassword(input.newPassword);
  return db.$transaction(async (tx) => {
    await setPasswordHash(tx, userId, hash);
    // Other devices may be someone else's: a new password signs them out.
    const ended = await tx.session.deleteMany({
      where: { userId, ...(currentSessionToken ? { token: { not: currentSessionToken } } : {}) },
    });
    // Any link that would set the password again (a reset, an invitation re-sent) dies too.
    await tx.accountToken.deleteMany({ where: { userId, purpose: { in: ['invitation', 'password_reset'] } } });
    return { endedSessions: ended.count };
  });
}

/** The person's unexpired sessions, newest use first; `current` marks the one of this request. */
export async function listOwnSessions(db: PrismaClient, userId: number, currentSessionToken: string | null) {
  const rows = await db.session.findMany({
    where: { userId, expiresAt: { gt: new Date() } },
    select: { id: true, token: true, createdAt: true, updatedAt: true, userAgent: true, ipAddress: true },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take: 100,
  });
  return rows.map(({ token, ...session }) => ({ ...session, current: token === currentSessionToken }));
}

/** Ends one of the person's sessions; returns its token (for the session caches). */
export async function endOwnSession(db: PrismaClient, userId: number, sessionId: number): Promise<string> {
  return db.$transaction(async (tx) => {
    const session = await tx.session.findFirst({ where: { id: sessionId, userId }, select: { token: true } });
    if (!session) throw notFound('Session');
    await tx.session.delete({ where: { id: sessionId } });
    return session.token;
  });
}

export async function endOtherOwnSessions(db: PrismaClient, userId: number, currentSessionToken: string | null) {
  const ended = await db.session.deleteMany({
    where: { userId, ...(currentSessionToken ? { token: { not: currentSessionToken } } : {}) },
  });
  return { endedSessions: ended.count };
}
