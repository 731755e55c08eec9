/**
 * `pnpm invite`: creating a user from the command line makes their one-time invitation, as
 * the Users screen does, and prints its link; without an admin to act for, one clear line.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@worklets/db/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const serverDir = fileURLToPath(new URL('../', import.meta.url));
let db: TestDatabase;

function invite(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('WORKLETS_') && !k.startsWith('npm_') && k !== 'DATABASE_URL') env[k] = v;
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', join(serverDir, 'src/invite-cli.ts'), ...args],
      {
        cwd: serverDir,
        env: {
          ...env,
          NODE_ENV: 'test',
          DATABASE_URL: db.connectionString,
          PUBLIC_URL: 'http://localhost:3999',
        },
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    ),
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe('pnpm invite', () => {
  it('without an active admin: one line, exit 1, nobody created', async () => {
    const result = await invite(['--email', 'early@example.test', '--name', 'Early Bird']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'error: No active admin yet: create the first one (pnpm create-admin, or the setup link the server prints).',
    );
    expect(await db.prisma.user.count({ where: { email: 'early@example.test' } })).toBe(0);
  });

  it('creates the user with a one-time invitation on PUBLIC_URL (here http://localhost:3999), made by the admin', async () => {
    const admin = await db.prisma.user.create({
      data: { email: 'ada@example.test', name: 'Ada Admin', role: 'admin' },
    });
    const result = await invite(['--email', 'Mia.Chen@Example.test', '--name', 'Mia Chen', '--role', 'mentor']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const link = result.stdout.match(/^http:\/\/localhost:3999\/invite#[A-Za-z0-9_-]{43}$/m)?.[0];
    expect(link).toBeTruthy();
    const mia = await db.prisma.user.findUniqueOrThrow({ where: { email: 'mia.chen@example.test' } });
    expect(mia).toMatchObject({ name: 'Mia Chen', role: 'mentor', createdById: admin.id });
    const tokens = await db.prisma.accountToken.findMany({ where: { userId: mia.id } });
    expect(tokens.map((t) => [t.purpose, t.createdById])).toEqual([['invitation', admin.id]]);
    expect(tokens[0]!.tokenHash).not.toContain(link!.split('#')[1]);
    const bad = await invite(['--email', 'not-an-email', '--name', 'X Y']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: email: /);
  });
});
