/**
 * API token secrets: `wkt_` and 32 random bytes (base64url), so that a leaked secret is
 * recognisable (secret scanners, logs). Only the SHA-256 of the secret is stored: a fast
 * hash is enough for 256 random bits, and it lets the lookup use the unique index.
 */
import { createHash, randomBytes } from 'node:crypto';

const prefix = 'wkt_';

export function hashApiTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function newApiTokenSecret(): { secret: string; hash: string } {
  const secret = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashApiTokenSecret(secret) };
}

/** A string that could be one of our secrets (anything else is refused without a lookup). */
export const looksLikeApiTokenSecret = (value: string) => /^wkt_[A-Za-z0-9_-]{43}$/.test(value);
