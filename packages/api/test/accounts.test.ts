/**
 * Accounts (issue 10): invitation links made with a user, re-sent and reset links, accepting
 * a link (single use, expiry, hashed storage, forged links), the first admin's setup link,
 * "forgot password", changing one's own password and ending one's sessions.
 */
import { hashPassword } from 'better-auth/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountLinkError, acceptAccountLink, FirstAdminDetailsMissing } from '../src/accounts/accept-link.ts';
import { hashAccountSecret } from '../src/accounts/account-tokens.ts';
import { isCurrentPassword } from '../src/accounts/credentials.ts';
import { issueFirstAdminLink } from '../src/accounts/first-admin.ts';
import { requestPasswordReset } from '../src/accounts/forgot-password.ts';
import type { SessionUser } from '../src/context.ts';
import { mailSite } from '../src/mail/outbox.ts';
import { createCaller, createContextInner } from '../src/root.ts';
import { type ApiFixture, createApiFixture } from './api-fixture.ts';
import { caught, fieldErrors, rejectsWithoutWriting } from './helpers.ts';

let f: ApiFixture;
let admin: SessionUser;
const publicUrl = 'https://worklets.example.org';

beforeAll(async () => {
  f = await createApiFixture();
  admin = await f.user('admin', { name: 'Ada Admin' });
});
afterAll(async () => {
  await f?.close();
});

const api = (user: SessionUser | null = admin, sessionToken: string | null = null) =>
  createCaller(createContextInner({ db: f.db.prisma, user, publicUrl, invitationHours: 72, sessionToken }));

const secretOf = (link: string) => link.split('#')[1]!;
const strong = 'a sturdy passphrase 42';

async function invite(email = `new.${Math.random().toString(36).slice(2)}@example.test`) {
  return api().users.create({ idempotencyKey: f.key(), email, name: 'New Person', role: 'mentor' });
}

async function rejectedLink(call: Promise<unknown>) {
  await expect(call).rejects.toBeInstanceOf(AccountLinkError);
}

describe('invitations', () => {
  it('users.create returns a 72 h invitation link on PUBLIC_URL whose secret is stored only as its SHA-256', async () => {
    const before = Date.now();
    const { user, invitation } = await invite();
    expect(invitation.link).toMatch(/^https:\/\/worklets\.example\.org\/invite#[A-Za-z0-9_-]{43}$/);
    const hours = (invitation.expiresAt.getTime() - before) / 3_600_000;
    expect(hours).toBeGreaterThan(71.9);
    expect(hours).toBeLessThan(72.1);
    const secret = secretOf(invitation.link);
    const rows = await f.db.pool.query('SELECT * FROM account_tokens WHERE user_id = $1', [user.id]);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]).toMatchObject({ purpose: 'invitation', token_hash: hashAccountSecret(secret), used_at: null });
    expect(rows.rows[0].created_by).toBe(admin.id);
    expect(JSON.stringify(await f.snapshot())).not.toContain(secret);
  });

  it('a link sets the password once: the second use, like a forged one, is refused with one message', async () => {
    const { user, invitation } = await invite();
    const accepted = await acceptAccountLink(f.db.prisma, { token: secretOf(invitation.link), password: strong });
    expect(accepted).toEqual({ userId: user.id, email: user.email, purpose: 'invitation' });
    expect(await isCurrentPassword(f.db.prisma, user.id, strong)).toBe(true);
    const again = acceptAccountLink(f.db.prisma, { token: secretOf(invitation.link), password: `${strong}!` });
    await rejectedLink(again);
    await expect(again).rejects.toThrow(
      'This link has expired or was already used; ask your coordinator for a new one.',
    );
    expect(await isCurrentPassword(f.db.prisma, user.id, strong)).toBe(true);
    for (const forged of ['', 'x'.repeat(43), `${secretOf(invitation.link).slice(0, -1)}A`])
      await rejectedLink(acceptAccountLink(f.db.prisma, { token: forged, password: strong }));
  });

  it('an expired link is refused and writes nothing', async () => {
    const { user, invitation } = await invite();
    await f.db.prisma.accountToken.updateMany({
      where: { userId: user.id },
      data: { expiresAt: new Date(Date.now() - 1_000) },
    });
    const before = await f.snapshot();
    await rejectedLink(acceptAccountLink(f.db.prisma, { token: secretOf(invitation.link), password: strong }));
    expect(await f.snapshot()).toEqual(before);
  });

  it('re-send: a new link, the old one dies; a deactivated user gets no link', async () => {
    const { user, invitation } = await invite();
    const resent = await api().accounts.resendInvitation({ id: user.id });
    expect(resent.link).not.toBe(invitation.link);
    await rejectedLink(acceptAccountLink(f.db.prisma, { token: secretOf(invitation.link), password: strong }));
    await acceptAccountLink(f.db.prisma, { token: secretOf(resent.link), password: strong });
    await api().users.setActive({ id: user.id, isActive: false });
    await rejectsWithoutWriting(f, () => api().accounts.resendInvitation({ id: user.id }), 'BAD_REQUEST');
    await rejectsWithoutWriting(f, () => api().accounts.resendInvitation({ id: 2_000_000_000 }), 'NOT_FOUND');
  });

  it('an invitation of a user deactivated since is refused', async () => {
    const { user, invitation } = await invite();
    await api().users.setActive({ id: user.id, isActive: false });
    await rejectedLink(acceptAccountLink(f.db.prisma, { token: secretOf(invitation.link), password: strong }));
  });

  it('reset password: a /reset link; using it sets the new password and ends every session of the user', async () => {
    const { user, invitation } = await invite();
    await acceptAccountLink(f.db.prisma, { token: secretOf(invitation.link), password: strong });
    await f.db.prisma.session.create({
      data: { userId: user.id, token: `t-${user.id}`, expiresAt: new Date(Date.now() + 3_600_000) },
    });
    const reset = await api().accounts.resetPassword({ id: user.id });
    expect(reset.link).toMatch(/\/reset#/);
    await acceptAccountLink(f.db.prisma, { token: secretOf(reset.link), password: 'another sturdy passphrase' });
    expect(await isCurrentPassword(f.db.prisma, user.id, 'another sturdy passphrase')).toBe(true);
    expect(await f.db.prisma.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it('only admins make links', async () => {
    const mentor = await f.user('mentor');
    await rejectsWithoutWriting(f, () => api(mentor).accounts.resetPassword({ id: admin.id }), 'FORBIDDEN');
    await rejectsWithoutWriting(f, () => api(null).accounts.resendInvitation({ id: admin.id }), 'UNAUTHORIZED');
  });
});

describe('forgot password', () => {
  it('with mail: an active user gets a 1 h reset link; an unknown or deactivated address gets nothing, and no error', async () => {
    mailSite.sending = true;
    try {
      const { user } = await invite();
      await requestPasswordReset(f.db.prisma, user.email, { publicUrl });
      const tokens = await f.db.prisma.accountToken.findMany({ where: { userId: user.id }, orderBy: { id: 'asc' } });
      expect(tokens.map((t) => t.purpose)).toEqual(['invitation', 'password_reset']);
      const hours = (tokens[1]!.expiresAt.getTime() - tokens[1]!.createdAt.getTime()) / 3_600_000;
      expect(hours).toBe(1);
      const before = await f.snapshot();
      await requestPasswordReset(f.db.prisma, 'nobody@example.test', { publicUrl });
      expect(await f.snapshot()).toEqual(before);
    } finally {
      mailSite.sending = false;
    }
  });

  it("cannot be used to cancel someone's invitation, and makes at most 3 live links", async () => {
    mailSite.sending = true;
    try {
      const { user, invitation } = await invite();
      for (let i = 0; i < 5; i++) await requestPasswordReset(f.db.prisma, user.email, { publicUrl });
      const resets = await f.db.prisma.accountToken.count({ where: { userId: user.id, purpose: 'password_reset' } });
      expect(resets).toBe(3);
      // The admin's invitation still works, and setting the password ends the other links.
      await acceptAccountLink(f.db.prisma, { token: secretOf(invitation.link), password: strong });
      expect(await f.db.prisma.accountToken.count({ where: { userId: user.id, usedAt: null } })).toBe(0);
    } finally {
      mailSite.sending = false;
    }
  });

  it('without mail makes no link at all (it could reach nobody)', async () => {
    const { user } = await invite();
    const before = await f.snapshot();
    await requestPasswordReset(f.db.prisma, user.email, { publicUrl });
    expect(await f.snapshot()).toEqual(before);
  });
});

describe('deactivation', () => {
  it("ends the user's account links and revokes the API tokens they made, for good", async () => {
    const other = await f.user('admin');
    const maker = await f.user('admin');
    const { user } = await invite();
    const admins = f.callerFor(other);
    await admins.accounts.resetPassword({ id: user.id });
    const { token } = await f
      .callerFor(maker)
      .apiTokens.create({ name: 'Reporting', scope: 'read', expiresInDays: 30 });
    await admins.users.setActive({ id: maker.id, isActive: false });
    const revoked = (await f.db.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } })).revokedAt;
    expect(revoked).toBeInstanceOf(Date);
    await admins.users.setActive({ id: maker.id, isActive: true });
    expect((await f.db.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } })).revokedAt).toEqual(revoked);
    await admins.users.setActive({ id: user.id, isActive: false });
    expect(await f.db.prisma.accountToken.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe('first admin', () => {
  it('never promotes or reactivates an existing account, and says so', async () => {
    const g = await createApiFixture();
    try {
      const old = await g.db.prisma.user.create({
        data: { email: 'old.admin@example.test', name: 'Old Admin', role: 'admin', isActive: false },
      });
      const link = await issueFirstAdminLink(g.db.prisma, { publicUrl });
      const attempt = acceptAccountLink(g.db.prisma, {
        token: secretOf(link!.link),
        password: strong,
        name: 'Someone',
        email: old.email,
      });
      await expect(attempt).rejects.toThrow(/belongs to an existing account/);
      expect(await g.db.prisma.user.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({ isActive: false });
      // The link was not used up: the same person can go on with another address.
      const made = await acceptAccountLink(g.db.prisma, {
        token: secretOf(link!.link),
        password: strong,
        name: 'New Admin',
        email: 'new.admin@example.test',
      });
      expect(made.purpose).toBe('first_admin');
    } finally {
      await g.close();
    }
  });

  it('a setup link only while no active admin exists; it asks for name and email and makes an admin', async () => {
    const g = await createApiFixture();
    try {
      const link = await issueFirstAdminLink(g.db.prisma, { publicUrl });
      expect(link?.link).toMatch(/^https:\/\/worklets\.example\.org\/setup#/);
      const second = await issueFirstAdminLink(g.db.prisma, { publicUrl });
      // A new start, a new link: the first one died.
      await expect(acceptAccountLink(g.db.prisma, { token: secretOf(link!.link), password: strong })).rejects.toThrow(
        AccountLinkError,
      );
      const token = secretOf(second!.link);
      await expect(acceptAccountLink(g.db.prisma, { token, password: strong })).rejects.toBeInstanceOf(
        FirstAdminDetailsMissing,
      );
      const accepted = await acceptAccountLink(g.db.prisma, {
        token,
        password: strong,
        name: 'First Admin',
        email: 'first@example.test',
      });
      expect(accepted.purpose).toBe('first_admin');
      const created = await g.db.prisma.user.findUniqueOrThrow({ where: { id: accepted.userId } });
      expect(created).toMatchObject({ role: 'admin', isActive: true, email: 'first@example.test' });
      expect(await issueFirstAdminLink(g.db.prisma, { publicUrl })).toBeNull();
      expect(await g.db.prisma.accountToken.count()).toBe(0);
    } finally {
      await g.close();
    }
  });

  it('a setup link made before an admin existed is refused once one does', async () => {
    const g = await createApiFixture();
    try {
      const link = await issueFirstAdminLink(g.db.prisma, { publicUrl });
      await g.user('admin');
      await expect(
        acceptAccountLink(g.db.prisma, {
          token: secretOf(link!.link),
          password: strong,
          name: 'Late',
          email: 'late@example.test',
        }),
      ).rejects.toBeInstanceOf(AccountLinkError);
    } finally {
      await g.close();
    }
  });
});

describe('own account', () => {
  async function withPassword(password = strong) {
    const user = await f.user('mentor');
    await f.db.prisma.account.create({
      data: {
        userId: user.id,
        accountId: String(user.id),
        providerId: 'credential',
        password: await hashPassword(password),
      },
    });
    const sessions = await Promise.all(
      ['current', 'phone', 'laptop'].map((name) =>
        f.db.prisma.session.create({
          data: {
            userId: user.id,
            token: `${name}-${user.id}`,
            userAgent: name,
            ipAddress: '192.0.2.1',
            expiresAt: new Date(Date.now() + 3_600_000),
          },
        }),
      ),
    );
    return { user, sessions, current: `current-${user.id}` };
  }

  it('changePassword needs the current password and a good new one; it ends the other sessions only', async () => {
    const { user, current } = await withPassword();
    const me = api(user, current);
    await rejectsWithoutWriting(
      f,
      () => me.accounts.changePassword({ currentPassword: 'not it at all', newPassword: 'a brand new passphrase' }),
      'BAD_REQUEST',
      'Your current password is not right.',
    );
    const short = await caught(me.accounts.changePassword({ currentPassword: strong, newPassword: 'short' }));
    expect(fieldErrors(short).newPassword).toEqual(['At least 12 characters']);
    const common = await caught(me.accounts.changePassword({ currentPassword: strong, newPassword: 'QWERTY123456' }));
    expect(fieldErrors(common).newPassword).toEqual(['This password is too common: choose another']);
    const result = await me.accounts.changePassword({ currentPassword: strong, newPassword: 'a brand new passphrase' });
    expect(result).toEqual({ endedSessions: 2 });
    expect(await isCurrentPassword(f.db.prisma, user.id, 'a brand new passphrase')).toBe(true);
    expect((await f.db.prisma.session.findMany({ where: { userId: user.id } })).map((s) => s.token)).toEqual([current]);
  });

  it('sessions lists only the own unexpired sessions without their tokens, marking the current one', async () => {
    const { user, current } = await withPassword();
    const other = await withPassword();
    const list = await api(user, current).accounts.sessions();
    expect(list).toHaveLength(3);
    expect(list.filter((s) => s.current).map((s) => s.userAgent)).toEqual(['current']);
    expect(JSON.stringify(list)).not.toContain(current);
    expect(list[0]).toMatchObject({ ipAddress: '192.0.2.1', createdAt: expect.any(Date), updatedAt: expect.any(Date) });
    expect((await api(other.user, other.current).accounts.sessions()).map((s) => s.id)).not.toContain(list[0]!.id);
  });

  it('endSession ends one own session (another user’s is NOT_FOUND); endOtherSessions keeps the current one', async () => {
    const { user, sessions, current } = await withPassword();
    const other = await withPassword();
    const ended: string[] = [];
    const me = createCaller(
      createContextInner({
        db: f.db.prisma,
        user,
        sessionToken: current,
        onSessionEnded: (token) => ended.push(token),
      }),
    );
    await me.accounts.endSession({ id: sessions[1]!.id });
    expect(ended).toEqual([sessions[1]!.token]);
    await rejectsWithoutWriting(f, () => me.accounts.endSession({ id: other.sessions[0]!.id }), 'NOT_FOUND');
    expect(await me.accounts.endOtherSessions()).toEqual({ endedSessions: 1 });
    expect((await me.accounts.sessions()).map((s) => s.current)).toEqual([true]);
  });
});
