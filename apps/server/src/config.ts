/**
 * The server's settings, read from the environment in one place.
 *   PORT (3000), HOST (127.0.0.1), PUBLIC_URL (http://localhost:PORT)
 *   BETTER_AUTH_SECRET: required in production; elsewhere a random one is kept in .data/
 *   TRUSTED_ORIGINS: extra origins allowed to send writes (comma-separated)
 *   WORKLETS_DB_POOL_SIZE (10), WORKLETS_DB_CONNECT_TIMEOUT_MS (3000)
 *   WORKLETS_SIGNIN_PER_MINUTE (10 per IP), WORKLETS_WRITES_PER_MINUTE (120 per user, 4x per IP)
 *   WORKLETS_SESSION_CACHE_MS (5000): how long a resolved session is remembered (0: never)
 *   WORKLETS_ADMIN_EMAIL + WORKLETS_ADMIN_PASSWORD: create this admin on start
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export class ConfigError extends Error {}

export type ServerConfig = {
  production: boolean;
  port: number;
  host: string;
  publicUrl: string;
  authSecret: string;
  trustedOrigins: string[];
  poolSize: number;
  connectTimeoutMs: number;
  signInPerMinute: number;
  writesPerMinute: number;
  sessionCacheMs: number;
  maxBodyBytes: number;
  maxBatchSize: number;
  webDist: string;
  firstAdmin: { email: string; password: string } | null;
};

const secretFile = fileURLToPath(new URL('../../../.data/auth-secret', import.meta.url));

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  return n;
}

function devSecret(): string {
  if (existsSync(secretFile)) return readFileSync(secretFile, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(dirname(secretFile), { recursive: true });
  writeFileSync(secretFile, secret, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const production = env.NODE_ENV === 'production';
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/$/, '');
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError(`PUBLIC_URL is not a URL: ${publicUrl}`);
  }
  let authSecret = env.BETTER_AUTH_SECRET ?? '';
  if (!authSecret) {
    const local = /^https?:\/\/(localhost|127\.0\.0\.1)(:|$)/.test(publicUrl);
    if (production && !local)
      throw new ConfigError('BETTER_AUTH_SECRET must be set (32+ random characters) when serving on a public URL');
    authSecret = devSecret();
  }
  if (authSecret.length < 32) throw new ConfigError('BETTER_AUTH_SECRET must have at least 32 characters');
  const adminEmail = env.WORKLETS_ADMIN_EMAIL;
  const adminPassword = env.WORKLETS_ADMIN_PASSWORD;
  if ((adminEmail && !adminPassword) || (!adminEmail && adminPassword)) {
    throw new ConfigError('set both WORKLETS_ADMIN_EMAIL and WORKLETS_ADMIN_PASSWORD to create the first admin');
  }
  return {
    production,
    port,
    host,
    publicUrl,
    authSecret,
    trustedOrigins: (env.TRUSTED_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    poolSize: integer(env, 'WORKLETS_DB_POOL_SIZE', 10, 1, 200),
    connectTimeoutMs: integer(env, 'WORKLETS_DB_CONNECT_TIMEOUT_MS', 3000, 100, 120_000),
    signInPerMinute: integer(env, 'WORKLETS_SIGNIN_PER_MINUTE', 10, 1, 1_000_000),
    writesPerMinute: integer(env, 'WORKLETS_WRITES_PER_MINUTE', 120, 1, 10_000_000),
    sessionCacheMs: integer(env, 'WORKLETS_SESSION_CACHE_MS', 5_000, 0, 60_000),
    maxBodyBytes: 100_000,
    // The web client batches at most this many calls (apps/web/src/trpc.ts): keep them equal.
    maxBatchSize: 10,
    webDist: fileURLToPath(new URL('../../web/dist', import.meta.url)),
    firstAdmin: adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : null,
  };
}
