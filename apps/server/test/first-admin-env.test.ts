/**
 * WORKLETS_ADMIN_EMAIL / WORKLETS_ADMIN_PASSWORD make the first admin on start, and only
 * then: once an active admin exists, a restart with the variables still set changes nobody
 * (a deactivated admin stays deactivated, a changed password stays changed).
 */
import { createTestDatabase, type TestDatabase } from '@worklets/db/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureFirstAdminFromEnv } from '../src/first-admin.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe('the first admin from the environment', () => {
  it('is made while no active admin exists, and never again after that', async () => {
    const lines: string[] = [];
    const env = { email: 'ops@example.test', password: 'a sturdy env passphrase' };
    expect(await ensureFirstAdminFromEnv(db.prisma, env, (l) => lines.push(l))).toBe('created');
    const ops = await db.prisma.user.findUniqueOrThrow({ where: { email: 'ops@example.test' } });
    expect(ops).toMatchObject({ role: 'admin', isActive: true });
    const hashOf = async () =>
      (await db.prisma.account.findFirstOrThrow({ where: { userId: ops.id, providerId: 'credential' } })).password;
    const hash = await hashOf();
    expect(hash).toBeTruthy();

    // Another admin deactivates ops (say the account leaked); a restart must not undo that.
    await db.prisma.user.create({ data: { email: 'ada@example.test', name: 'Ada', role: 'admin' } });
    await db.prisma.user.update({ where: { id: ops.id }, data: { isActive: false } });
    expect(
      await ensureFirstAdminFromEnv(db.prisma, { ...env, password: 'another env passphrase' }, (l) => lines.push(l)),
    ).toBe('skipped');
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: ops.id } })).toMatchObject({ isActive: false });
    expect(await hashOf()).toBe(hash);
    expect(lines).toEqual([
      'admin ready: ops@example.test',
      'WORKLETS_ADMIN_EMAIL ignored: an active admin exists (pnpm create-admin changes admins on purpose).',
    ]);
  });
});
