/**
 * Authenticating a REST call (/api/v1) by its `Authorization: Bearer wkt_...` token. A token
 * acts as the admin who created it, with that user's current role: demoting or deactivating
 * the creator takes the token's rights away with theirs.
 */
import { TRPCError } from '@trpc/server';
import type { PrismaClient } from '@worklets/db';
import type { ApiTokenGrant, SessionUser } from '../context.ts';
import { hashApiTokenSecret, looksLikeApiTokenSecret } from './api-token-secret.ts';

/** `last_used_at` is written at most this often per token, not on every call. */
const lastUsedPrecisionMs = 60_000;

const refused = (message: string) => new TRPCError({ code: 'UNAUTHORIZED', message });

/** The bearer secret of an Authorization header, or null. */
export function bearerSecret(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

/** The token's grant and acting user; UNAUTHORIZED when missing, unknown, expired, revoked or its creator is inactive. */
export async function authenticateApiToken(
  db: PrismaClient,
  authorization: string | undefined,
  now = new Date(),
): Promise<{ apiToken: ApiTokenGrant; user: SessionUser }> {
  const secret = bearerSecret(authorization);
  if (!secret) throw refused('Send an API token: Authorization: Bearer wkt_...');
  if (!looksLikeApiTokenSecret(secret)) throw refused('This API token is not valid.');
  const token = await db.apiToken.findUnique({
    where: { tokenHash: hashApiTokenSecret(secret) },
    select: {
      id: true,
      scope: true,
      expiresAt: true,
      revokedAt: true,
      lastUsedAt: true,
      createdBy: { select: { id: true, name: true, email: true, role: true, isActive: true } },
    },
  });
  if (!token) throw refused('This API token is not valid.');
  if (token.revokedAt) throw refused('This API token has been revoked.');
  if (token.expiresAt <= now) throw refused('This API token has expired.');
  const { isActive, ...user } = token.createdBy;
  if (!isActive) throw refused('The owner of this API token is deactivated.');
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= lastUsedPrecisionMs)
    await db.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: now }, select: { id: true } });
  return { apiToken: { id: token.id, scope: token.scope }, user };
}
