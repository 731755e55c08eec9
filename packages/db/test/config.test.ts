/**
 * Where the database is (DATABASE_URL or the embedded one), how connection failures are
 * described, and the command line's one-line errors. The CLI runs as a child process
 * against an unreachable server (needs no server at all) and against this project's own
 * test database (PGlite behind its socket, or the real server).
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultDataDir, redactUrl, resolveDatabaseTarget, validatePostgresUrl } from '../src/config.ts';
import { DatabaseError, describeConnectionError } from '../src/errors.ts';
import { createEmptyDatabase, testDatabaseKind } from '../src/testing/test-database.ts';
import { databaseTestTimeouts } from './support.ts';

vi.setConfig(databaseTestTimeouts);

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(packageDir, '..', '..');

function thrown(work: () => unknown): DatabaseError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(DatabaseError);
    return error as DatabaseError;
  }
  throw new Error('expected a DatabaseError, nothing was thrown');
}

describe('resolveDatabaseTarget / validatePostgresUrl', () => {
  it('uses the embedded database when DATABASE_URL is not set', () => {
    expect(resolveDatabaseTarget({})).toEqual({ kind: 'embedded', dataDir: defaultDataDir });
    expect(defaultDataDir.replace(/\/$/, '')).toBe(join(repoRoot, '.data', 'pglite'));
    expect(resolveDatabaseTarget({ WORKLETS_DATA_DIR: '/srv/worklets' })).toEqual({
      kind: 'embedded',
      dataDir: '/srv/worklets',
    });
  });

  it('accepts postgresql:// and postgres:// URLs that name a host and a database', () => {
    const url = 'postgresql://app:secret@db.internal:5433/worklets?sslmode=require';
    expect(resolveDatabaseTarget({ DATABASE_URL: url })).toEqual({ kind: 'postgres', url });
    expect(validatePostgresUrl('postgres://postgres@127.0.0.1/worklets')).toBe(
      'postgres://postgres@127.0.0.1/worklets',
    );
  });

  it.each([
    ['', /^DATABASE_URL is set but empty/],
    ['   ', /^DATABASE_URL is set but empty/],
    ['not a url', /^DATABASE_URL is not a valid URL/],
    ['mysql://x@y/z', /^DATABASE_URL must start with postgresql:\/\/ \(got mysql:\/\/\)/],
    ['postgresql://host-without-db', /^DATABASE_URL names no database/],
    ['postgresql://host-without-db/', /^DATABASE_URL names no database/],
  ])('refuses DATABASE_URL=%j with a one-line DatabaseError', (url, expected) => {
    const error = thrown(() => resolveDatabaseTarget({ DATABASE_URL: url }));
    expect(error.message).toMatch(expected);
    expect(error.message).not.toContain('\n');
  });

  it.each([
    ['', /^DATABASE_URL is not a valid URL/],
    ['not a url', /^DATABASE_URL is not a valid URL/],
    ['mysql://x@y/z', /^DATABASE_URL must start with postgresql:\/\//],
    ['postgresql://host-without-db', /^DATABASE_URL names no database/],
  ])('validatePostgresUrl(%j) throws a one-line DatabaseError', (url, expected) => {
    const error = thrown(() => validatePostgresUrl(url));
    expect(error.message).toMatch(expected);
    expect(error.message).not.toContain('\n');
  });
});

describe('redactUrl', () => {
  it('hides the password and keeps everything else', () => {
    const redacted = redactUrl('postgresql://app:s3cr3t-pw@db.internal:5433/worklets?sslmode=require');
    expect(redacted).not.toContain('s3cr3t-pw');
    expect(redacted).toBe('postgresql://app:***@db.internal:5433/worklets?sslmode=require');
  });

  it('security finding 10: hides a password given as a query parameter too (?password=, sslpassword)', () => {
    const redacted = redactUrl(
      'postgresql://app@db.internal/worklets?password=q-s3cret&sslpassword=k-s3cret&sslmode=require',
    );
    expect(redacted).not.toMatch(/s3cret/);
    expect(redacted).toBe('postgresql://app@db.internal/worklets?password=***&sslpassword=***&sslmode=require');
  });

  it('leaves a URL without a password unchanged, and does not echo an unparsable one', () => {
    expect(redactUrl('postgresql://postgres@127.0.0.1:5432/postgres')).toBe(
      'postgresql://postgres@127.0.0.1:5432/postgres',
    );
    expect(redactUrl('pw=hunter2 not a url')).toBe('(invalid URL)');
  });
});

describe('describeConnectionError', () => {
  it('describes a refused connection (a real ECONNREFUSED from pg), also when it is the cause of another error', async () => {
    const client = new pg.Client({
      connectionString: 'postgresql://postgres@127.0.0.1:1/x',
      connectionTimeoutMillis: 5_000,
    });
    const error = await client.connect().then(
      () => null,
      (e: unknown) => e,
    );
    await client.end().catch(() => {});
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
    expect(describeConnectionError(error)).toBe('cannot reach the database server (connection refused)');
    expect(describeConnectionError(new Error('migration failed', { cause: error }))).toBe(
      'cannot reach the database server (connection refused)',
    );
  });

  it('recognises the other failures to reach or enter a database, and nothing else', () => {
    expect(
      describeConnectionError(Object.assign(new Error('getaddrinfo ENOTFOUND db.invalid'), { code: 'ENOTFOUND' })),
    ).toBe('cannot reach the database server (host not found)');
    expect(describeConnectionError(new Error("Can't reach database server at `127.0.0.1:1`\nmore detail"))).toBe(
      "cannot reach the database server (Can't reach database server at `127.0.0.1:1`)",
    );
    expect(describeConnectionError(Object.assign(new Error('database "nope" does not exist'), { code: '3D000' }))).toBe(
      'the database does not exist (database "nope" does not exist)',
    );
    expect(
      describeConnectionError(
        Object.assign(new Error('password authentication failed for user "x"'), { code: '28P01' }),
      ),
    ).toBe('the database server refused the credentials');
    expect(
      describeConnectionError(Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' })),
    ).toBeNull();
    expect(describeConnectionError(undefined)).toBeNull();
    const cyclic: Error & { cause?: unknown } = new Error('loops');
    cyclic.cause = cyclic;
    expect(describeConnectionError(cyclic)).toBeNull();
  });
});

type CliResult = { code: number; stdout: string; stderr: string };

/** Runs the data-layer CLI (`tsx src/cli.ts ...`) as a child process, asynchronously (an in-process PGlite must keep serving). */
function runCli(args: string[], databaseUrl: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      { cwd: packageDir, env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

describe('command line', () => {
  it('exits 1 with one line on stderr when the database server cannot be reached', async () => {
    const result = await runCli(['migrate'], 'postgresql://postgres@127.0.0.1:1/x');
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: cannot reach the database server/);
    expect(result.stdout).toBe('');
  });

  it('exits 1 with one line on stderr for a DATABASE_URL that is not PostgreSQL', async () => {
    const result = await runCli(['migrate'], 'mysql://root@127.0.0.1:3306/worklets');
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: DATABASE_URL must start with postgresql:// (got mysql://)\n',
    });
  });

  it('an unknown command prints the usage on one line and exits 1', async () => {
    const result = await runCli(['frobnicate'], 'postgresql://postgres@127.0.0.1:1/x');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^error: usage: db:migrate \| /)]);
  });

  describe(`against a ${testDatabaseKind} database`, () => {
    let empty: Awaited<ReturnType<typeof createEmptyDatabase>>;

    beforeAll(async () => {
      empty = await createEmptyDatabase();
    });

    afterAll(async () => {
      await empty?.drop();
    });

    it('migrate applies the committed migrations, then reports none pending', async () => {
      const first = await runCli(['migrate'], empty.connectionString);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      const committed = (await readdir(join(repoRoot, 'prisma', 'migrations'), { withFileTypes: true }))
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
      expect(first.stdout).toBe(`applied: ${committed.join(', ')}\n`);
      const client = new pg.Client({ connectionString: empty.connectionString });
      await client.connect();
      try {
        const tables = await client.query(`SELECT to_regclass('public.mentor_worklet_assignments')::text AS t`);
        expect(tables.rows).toEqual([{ t: 'mentor_worklet_assignments' }]);
      } finally {
        await client.end();
      }
      const second = await runCli(['migrate'], empty.connectionString);
      expect(second).toEqual({ code: 0, stdout: 'no pending migrations\n', stderr: '' });
    });
  });
});
