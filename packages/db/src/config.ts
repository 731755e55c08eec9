/**
 * Where the database is: the one place that reads DATABASE_URL.
 * No DATABASE_URL: the embedded PGlite database, persisted under `.data/pglite` at the
 * repository root (or WORKLETS_DATA_DIR). A DATABASE_URL must be a PostgreSQL URL.
 */
import { fileURLToPath } from 'node:url';
import { DatabaseError } from './errors.ts';

export type DatabaseTarget = { kind: 'embedded'; dataDir: string | undefined } | { kind: 'postgres'; url: string };

export const defaultDataDir = fileURLToPath(new URL('../../../.data/pglite', import.meta.url));

export function resolveDatabaseTarget(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const url = env.DATABASE_URL;
  if (url === undefined) return { kind: 'embedded', dataDir: env.WORKLETS_DATA_DIR || defaultDataDir };
  if (url.trim() === '') {
    throw new DatabaseError(
      'DATABASE_URL is set but empty: unset it to use the embedded database, or give a postgresql:// URL',
    );
  }
  return { kind: 'postgres', url: validatePostgresUrl(url) };
}

export function validatePostgresUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseError('DATABASE_URL is not a valid URL (expected postgresql://user@host:5432/database)');
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw new DatabaseError(`DATABASE_URL must start with postgresql:// (got ${parsed.protocol}//)`);
  }
  if (!parsed.hostname)
    throw new DatabaseError('DATABASE_URL has no host (expected postgresql://user@host:5432/database)');
  if (parsed.pathname.replace(/^\//, '') === '') {
    throw new DatabaseError('DATABASE_URL names no database (expected postgresql://user@host:5432/database)');
  }
  return url;
}

/** Query parameters that carry a secret (`?password=`, `sslpassword`, tokens, keys). */
const secretParameter = /pass|secret|token|key/i;

/**
 * The URL without its secrets, for logs and messages: the password of the userinfo and of
 * any secret-bearing query parameter (libpq and `pg` accept `?password=`). Every URL the
 * data layer prints goes through here.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const name of [...parsed.searchParams.keys()]) {
      if (secretParameter.test(name)) parsed.searchParams.set(name, '***');
    }
    return parsed
      .toString()
      .replace(/=\*\*\*/g, '=***')
      .replace(/%2A%2A%2A/g, '***');
  } catch {
    return '(invalid URL)';
  }
}
