/**
 * The server's settings: every environment variable it reads, parsed by one zod schema
 * (`envSchema`). The README's "Configuration" table lists exactly these variables
 * (test/config.test.ts checks it).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maxBatchSize } from '@worklets/validators/limits';
import { z } from 'zod';

export class ConfigError extends Error {}

const secretFile = fileURLToPath(new URL('../../../.data/auth-secret', import.meta.url));

/** An optional whole number in [min, max]; empty means the default. */
const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max} (got "${raw}")` });
        return z.NEVER;
      }
      return n;
    });

/** A comma-separated list. */
const list = z
  .string()
  .optional()
  .transform((raw) =>
    (raw ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

/** Comma-separated postgresql:// URLs of read replicas (never echoed: they may carry a password). */
const replicaUrls = list.superRefine((urls, ctx) => {
  urls.forEach((raw, i) => {
    let url: URL | null = null;
    try {
      url = new URL(raw);
    } catch {}
    if (!url || !/^postgres(ql)?:$/.test(url.protocol) || !url.hostname || url.pathname.length < 2)
      ctx.addIssue({ code: 'custom', message: `URL ${i + 1} is not postgresql://user@host:5432/database` });
  });
});

const optionalText = z
  .string()
  .optional()
  .transform((raw) => raw || undefined);

export const envSchema = z.object({
  NODE_ENV: optionalText,
  DATABASE_URL: z.string().optional(),
  DATABASE_REPLICA_URLS: replicaUrls,
  WORKLETS_READ_YOUR_WRITES_MS: int(5_000, 0, 600_000),
  WORKLETS_DATA_DIR: optionalText,
  PORT: int(3000, 0, 65535),
  HOST: optionalText,
  PUBLIC_URL: optionalText,
  BETTER_AUTH_SECRET: optionalText,
  TRUSTED_ORIGINS: list,
  TRUSTED_PROXIES: list,
  WORKLETS_DEMO: z
    .enum(['', '0', '1'], { message: 'must be 1 (load the demo program) or 0' })
    .optional()
    .transform((raw) => raw === '1'),
  WORKLETS_WORKERS: int(1, 1, 64),
  WORKLETS_DB_POOL_SIZE: int(10, 1, 200),
  WORKLETS_DB_CONNECT_TIMEOUT_MS: int(3000, 100, 120_000),
  WORKLETS_DB_PREPARED_STATEMENTS: z
    .enum(['', '0', '1'], { message: 'must be 1 (prepare the write statements by name) or 0' })
    .optional()
    .transform((raw) => raw !== '0'),
  WORKLETS_AUTH_PER_MINUTE: int(60, 1, 1_000_000),
  WORKLETS_SIGNIN_PER_MINUTE: int(10, 1, 1_000_000),
  WORKLETS_WRITES_PER_MINUTE: int(120, 1, 10_000_000),
  WORKLETS_READS_PER_MINUTE: int(600, 1, 100_000_000),
  WORKLETS_SESSION_CACHE_MS: int(5_000, 0, 60_000),
  WORKLETS_INVITATION_HOURS: int(72, 1, 24 * 90),
  WORKLETS_ADMIN_EMAIL: optionalText,
  WORKLETS_ADMIN_PASSWORD: optionalText,
  SMTP_URL: optionalText,
  MAIL_FROM: optionalText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).optional().default('info'),
});

export type ServerConfig = {
  production: boolean;
  port: number;
  host: string;
  publicUrl: string;
  /** The public URL is https: Secure cookies named `__Secure-...`, HSTS. */
  https: boolean;
  authSecret: string;
  trustedOrigins: string[];
  /** Addresses (or CIDR ranges) of reverse proxies whose X-Forwarded-For is believed. */
  trustedProxies: string[];
  /** Load the demo program into an empty database. */
  demo: boolean;
  databaseUrl: string | undefined;
  /** Read replicas of DATABASE_URL's server (see README "Read replicas"). */
  replicaUrls: string[];
  /** After a write, that client's reads go to the primary for this long. */
  readYourWritesMs: number;
  /** Server processes (node:cluster workers on one port); above 1 only on a PostgreSQL server. */
  workers: number;
  dataDir: string | undefined;
  poolSize: number;
  connectTimeoutMs: number;
  /** Write transactions prepare their statements by name (0 behind PgBouncer before 1.21 in transaction mode). */
  preparedStatements: boolean;
  /** Any /api/auth/* request, per client IP. */
  authPerMinute: number;
  /** Sign-in attempts per client IP and per account. */
  signInPerMinute: number;
  /** API writes per user (and 4x per IP when signed out). */
  writesPerMinute: number;
  /** API reads (procedure calls) per user (and 4x per IP when signed out). */
  readsPerMinute: number;
  sessionCacheMs: number;
  /** How long an invitation or an admin's password-reset link works. */
  invitationHours: number;
  maxBodyBytes: number;
  maxBatchSize: number;
  webDist: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  firstAdmin: { email: string; password: string } | null;
  /** SMTP server and sender of the mail worker; null: no mail is sent (it waits in the outbox). */
  mail: { smtpUrl: string; from: string } | null;
};

function devSecret(): string {
  if (existsSync(secretFile)) return readFileSync(secretFile, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(dirname(secretFile), { recursive: true, mode: 0o700 });
  writeFileSync(secretFile, secret, { mode: 0o600 });
  return secret;
}

/** localhost, 127.x or ::1: a URL only this machine can reach. */
function isLocalUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${issue.path.join('.')} ${issue.message}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new ConfigError(`PUBLIC_URL is not a URL: ${publicUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`PUBLIC_URL must be http:// or https:// (got ${url.protocol}//)`);
  const local = isLocalUrl(publicUrl);
  // A public deployment signs its cookies with a secret of its own, whatever NODE_ENV says.
  if (!e.BETTER_AUTH_SECRET && !local)
    throw new ConfigError('BETTER_AUTH_SECRET must be set (32+ random characters) when PUBLIC_URL is not local');
  // ... and runs in production mode: outside it the API answers errors with stack traces.
  if (!local && !production)
    throw new ConfigError('a PUBLIC_URL that is not local needs NODE_ENV=production (no stack traces in answers)');
  const authSecret = e.BETTER_AUTH_SECRET ?? devSecret();
  if (authSecret.length < 32) throw new ConfigError('BETTER_AUTH_SECRET must have at least 32 characters');
  // The demo accounts have a published password: never on a deployment others can reach.
  if (e.WORKLETS_DEMO && (production || !local))
    throw new ConfigError(
      'WORKLETS_DEMO=1 loads accounts with a published password: it is refused with NODE_ENV=production or a non-local PUBLIC_URL',
    );
  // The embedded database is one process's: it cannot be shared by several.
  if (e.WORKLETS_WORKERS > 1 && !e.DATABASE_URL)
    throw new ConfigError('WORKLETS_WORKERS above 1 needs DATABASE_URL (the embedded database serves one process)');
  if (Boolean(e.WORKLETS_ADMIN_EMAIL) !== Boolean(e.WORKLETS_ADMIN_PASSWORD))
    throw new ConfigError('set both WORKLETS_ADMIN_EMAIL and WORKLETS_ADMIN_PASSWORD to create the first admin');
  if (e.DATABASE_REPLICA_URLS.length && !e.DATABASE_URL)
    throw new ConfigError(
      'DATABASE_REPLICA_URLS needs DATABASE_URL (replicas of a PostgreSQL server, not the embedded one)',
    );
  return {
    production,
    port: e.PORT,
    host: e.HOST ?? '127.0.0.1',
    publicUrl,
    https: url.protocol === 'https:',
    authSecret,
    trustedOrigins: e.TRUSTED_ORIGINS,
    trustedProxies: e.TRUSTED_PROXIES,
    demo: e.WORKLETS_DEMO,
    databaseUrl: e.DATABASE_URL,
    replicaUrls: e.DATABASE_REPLICA_URLS,
    readYourWritesMs: e.WORKLETS_READ_YOUR_WRITES_MS,
    workers: e.WORKLETS_WORKERS,
    dataDir: e.WORKLETS_DATA_DIR,
    poolSize: e.WORKLETS_DB_POOL_SIZE,
    connectTimeoutMs: e.WORKLETS_DB_CONNECT_TIMEOUT_MS,
    preparedStatements: e.WORKLETS_DB_PREPARED_STATEMENTS,
    authPerMinute: e.WORKLETS_AUTH_PER_MINUTE,
    signInPerMinute: e.WORKLETS_SIGNIN_PER_MINUTE,
    writesPerMinute: e.WORKLETS_WRITES_PER_MINUTE,
    readsPerMinute: e.WORKLETS_READS_PER_MINUTE,
    sessionCacheMs: e.WORKLETS_SESSION_CACHE_MS,
    invitationHours: e.WORKLETS_INVITATION_HOURS,
    maxBodyBytes: 100_000,
    maxBatchSize,
    webDist: fileURLToPath(new URL('../../web/dist', import.meta.url)),
    logLevel: e.LOG_LEVEL,
    firstAdmin:
      e.WORKLETS_ADMIN_EMAIL && e.WORKLETS_ADMIN_PASSWORD
        ? { email: e.WORKLETS_ADMIN_EMAIL, password: e.WORKLETS_ADMIN_PASSWORD }
        : null,
    mail: mailSettings(e),
  };
}

/** SMTP_URL and MAIL_FROM: both or neither. */
function mailSettings(e: z.infer<typeof envSchema>): ServerConfig['mail'] {
  if (!e.SMTP_URL && !e.MAIL_FROM) return null;
  if (!e.SMTP_URL || !e.MAIL_FROM) throw new ConfigError('set both SMTP_URL and MAIL_FROM to send mail');
  let protocol: string;
  try {
    protocol = new URL(e.SMTP_URL).protocol;
  } catch {
    throw new ConfigError('SMTP_URL is not a URL (e.g. smtp://user:pass@host:587)');
  }
  if (protocol !== 'smtp:' && protocol !== 'smtps:')
    throw new ConfigError(`SMTP_URL must be smtp:// or smtps:// (got ${protocol}//)`);
  return { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM };
}
