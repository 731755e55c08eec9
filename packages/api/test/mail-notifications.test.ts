/**
 * Notifications of assignment changes in the mail outbox (issue 10): who gets a mail, what
 * it says, one mail per person per batch (a digest for a bulk change or an undo), nobody
 * with notifications off or without a password yet; the account mail; the admin's view of
 * undelivered mail. Sending is the server's mail worker (apps/server/test/mail.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../src/context.ts';
import { queueAccountMail } from '../src/mail/account-mail.ts';
import { mailSite } from '../src/mail/outbox.ts';
import { linkKey, openLink, withLink } from '../src/mail/sealed-link.ts';
import { type ApiFixture, createApiFixture } from './api-fixture.ts';
import { caught } from './helpers.ts';

let f: ApiFixture;
let admin: SessionUser;

beforeAll(async () => {
  mailSite.publicUrl = 'https://worklets.example.org';
  mailSite.sending = true;
  mailSite.linkKey = linkKey('x'.repeat(40));
  f = await createApiFixture();
  admin = await f.user('admin', { name: 'Ada Admin' });
});
afterAll(async () => {
  await f?.close();
});

const api = (user: SessionUser = admin) => f.callerFor(user);

/** A mentor who has set a password (an accepted invitation): notifications reach them. */
async function member(name: string): Promise<SessionUser> {
  const user = await f.user('mentor', { name });
  await f.db.prisma.account.create({
    data: { userId: user.id, accountId: String(user.id), providerId: 'credential', password: 'hash' },
  });
  return user;
}

async function mailsTo(user: { id: number }) {
  return f.db.prisma.outboxMail.findMany({ where: { recipientId: user.id }, orderBy: { id: 'asc' } });
}

async function mailsOfBatch(batchId: number | null) {
  return f.db.prisma.outboxMail.findMany({ where: { batchId: batchId ?? -1 }, orderBy: { id: 'asc' } });
}

describe('a change notifies the mentor concerned, in its transaction', () => {
  it('assigned: one notification with subject, recipient, link and a stable Message-ID', async () => {
    const omar = await member('Omar Kapoor');
    const w = await f.worklet({ title: 'Rust basics' });
    const saved = await api().assignments.assign({ workletId: w.id, mentorId: omar.id, role: 'Secondary' });
    const [mail, ...more] = await mailsTo(omar);
    expect(more).toEqual([]);
    expect(mail).toMatchObject({
      kind: 'notification',
      toEmail: omar.email,
      subject: 'You were assigned to “Rust basics” as Secondary by Ada Admin',
      batchId: saved.batchId,
      attempts: 0,
      sentAt: null,
    });
    expect(mail!.messageId).toMatch(/^<outbox-[0-9a-f-]{36}@worklets\.example\.org>$/);
    expect(mail!.textBody).toContain(`https://worklets.example.org/worklets/${w.id}`);
    expect(mail!.htmlBody).toContain(`href="https://worklets.example.org/worklets/${w.id}"`);
    expect(mail!.htmlBody).toContain('Rust basics');
  });

  it('a new co-mentor is announced to the other active mentors; removal and role change are told', async () => {
    const [pia, sam, omar] = [await member('Pia P'), await member('Sam S'), await member('Omar Kapoor')];
    const w = await f.worklet({ title: 'Go <intro>' });
    await api().assignments.setMentors({
      workletId: w.id,
      expectedVersion: 1,
      mentors: [
        { mentorId: pia.id, role: 'Primary' },
        { mentorId: sam.id, role: 'Secondary' },
      ],
    });
    const joined = await api().assignments.assign({ workletId: w.id, mentorId: omar.id, role: 'Collaborator' });
    const announced = await mailsOfBatch(joined.batchId);
    expect(announced.map((m) => [m.recipientId, m.subject]).sort()).toEqual(
      [
        [omar.id, 'You were assigned to “Go <intro>” as Collaborator by Ada Admin'],
        [pia.id, 'Omar Kapoor joined “Go <intro>” as Collaborator'],
        [sam.id, 'Omar Kapoor joined “Go <intro>” as Collaborator'],
      ].sort(),
    );
    // The HTML escapes what people typed.
    expect(announced[0]!.htmlBody).toContain('Go &lt;intro&gt;');
    expect(announced[0]!.htmlBody).not.toContain('<intro>');

    const samRow = (await f.assignments(w.id)).find((a) => a.mentorId === sam.id)!;
    const changed = await api().assignments.changeRole({ assignmentId: samRow.id, role: 'Collaborator' });
    expect((await mailsOfBatch(changed.batchId)).map((m) => [m.recipientId, m.subject])).toEqual([
      [sam.id, 'Your role on “Go <intro>” is now Collaborator (was Secondary), changed by Ada Admin'],
    ]);
    const removed = await api().assignments.deactivate({ assignmentId: samRow.id });
    expect((await mailsOfBatch(removed.batchId)).map((m) => [m.recipientId, m.subject])).toEqual([
      [sam.id, 'You were removed from “Go <intro>” by Ada Admin'],
    ]);
    const back = await api().assignments.reactivate({ assignmentId: samRow.id, role: 'Secondary' });
    const backMails = await mailsOfBatch(back.batchId);
    expect(backMails.find((m) => m.recipientId === sam.id)?.subject).toBe(
      'You were assigned to “Go <intro>” again, as Secondary, by Ada Admin',
    );
    expect(backMails.map((m) => m.recipientId).sort()).toEqual([pia.id, sam.id, omar.id].sort());
  });

  it('Primary replaced: the former Primary hears who replaced them', async () => {
    const [pia, nora] = [await member('Pia P'), await member('Nora New')];
    const w = await f.worklet({ title: 'SQL' });
    await api().assignments.assign({ workletId: w.id, mentorId: pia.id, role: 'Primary' });
    const saved = await api().assignments.assign({
      workletId: w.id,
      mentorId: nora.id,
      role: 'Primary',
      replacePrimary: true,
    });
    const mails = await mailsOfBatch(saved.batchId);
    expect(mails.map((m) => [m.recipientId, m.kind, m.subject]).sort()).toEqual(
      [
        [pia.id, 'notification', 'Nora New replaced you as Primary on “SQL”; your role is now Secondary'],
        [nora.id, 'notification', 'You were assigned to “SQL” as Primary by Ada Admin'],
      ].sort(),
    );
    // A mentor set save that removes the Primary and names another.
    const w2 = await f.worklet({ title: 'SQL 2' });
    await api().assignments.assign({ workletId: w2.id, mentorId: pia.id, role: 'Primary' });
    const swapped = await api().assignments.setMentors({
      workletId: w2.id,
      expectedVersion: await f.version(w2.id),
      mentors: [{ mentorId: nora.id, role: 'Primary' }],
    });
    expect((await mailsOfBatch(swapped.batchId)).map((m) => [m.recipientId, m.subject]).sort()).toEqual(
      [
        [pia.id, 'Nora New replaced you as Primary on “SQL 2”; you were removed from it by Ada Admin'],
        [nora.id, 'You were assigned to “SQL 2” as Primary by Ada Admin'],
      ].sort(),
    );
  });
});

describe('who gets no notification', () => {
  it('a user who turned notifications off (their own switch), and back on', async () => {
    const quiet = await member('Quinn Quiet');
    expect(await api(quiet).users.notifications()).toEqual({ enabled: true });
    await api(quiet).users.setNotifications({ enabled: false });
    expect(await api(quiet).users.notifications()).toEqual({ enabled: false });
    await api().assignments.assign({ workletId: (await f.worklet()).id, mentorId: quiet.id, role: 'Secondary' });
    expect(await mailsTo(quiet)).toEqual([]);
    await api(quiet).users.setNotifications({ enabled: true });
    await api().assignments.assign({ workletId: (await f.worklet()).id, mentorId: quiet.id, role: 'Secondary' });
    expect(await mailsTo(quiet)).toHaveLength(1);
  });

  it('a user without a password yet (invited, not accepted): their invitation comes instead', async () => {
    const invited = await f.user('mentor', { name: 'Ivy Invited' });
    const pia = await member('Pia P');
    const w = await f.worklet();
    await api().assignments.assign({ workletId: w.id, mentorId: pia.id, role: 'Primary' });
    const saved = await api().assignments.assign({ workletId: w.id, mentorId: invited.id, role: 'Secondary' });
    expect(await mailsTo(invited)).toEqual([]);
    // The co-mentor still hears of them.
    expect((await mailsOfBatch(saved.batchId)).map((m) => m.recipientId)).toEqual([pia.id]);
  });

  it('the switch takes only its own strict input', async () => {
    const error = await caught(api().users.setNotifications({ enabled: 'no' as unknown as boolean }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(await caught(f.callerFor(null).users.notifications())).toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('a bulk change or an undo: one digest per person', () => {
  it('adding a mentor to three worklets is one digest for them and one announcement per co-mentor', async () => {
    const [omar, pia] = [await member('Omar Kapoor'), await member('Pia P')];
    const ws = [await f.worklet({ title: 'B1' }), await f.worklet({ title: 'B2' }), await f.worklet({ title: 'B3' })];
    await api().assignments.assign({ workletId: ws[0]!.id, mentorId: pia.id, role: 'Primary' });
    await api().assignments.assign({ workletId: ws[1]!.id, mentorId: pia.id, role: 'Primary' });
    const bulk = await api().batches.bulk({
      target: { ids: ws.map((w) => w.id) },
      action: { kind: 'addMentor', mentorId: omar.id, role: 'Secondary' },
    });
    expect(bulk.done).toBe(3);
    const mails = await mailsOfBatch(bulk.batchId);
    expect(mails.map((m) => [m.recipientId, m.kind, m.subject]).sort()).toEqual(
      [
        [omar.id, 'digest', '3 changes to your worklets'],
        [pia.id, 'digest', '2 changes to your worklets'],
      ].sort(),
    );
    const digest = mails.find((m) => m.recipientId === omar.id)!;
    for (const w of ws) {
      expect(digest.textBody).toContain(`You were assigned to “${w.title}” as Secondary by Ada Admin.`);
      expect(digest.textBody).toContain(`https://worklets.example.org/worklets/${w.id}`);
    }

    const undo = await api().batches.undo({ batchId: bulk.batchId! });
    const undone = await mailsOfBatch(undo.batchId);
    expect(undone.map((m) => [m.recipientId, m.kind, m.subject])).toEqual([
      [omar.id, 'digest', '3 changes to your worklets'],
    ]);
    expect(undone[0]!.textBody).toContain('You were removed from “B2” by Ada Admin.');
  });
});

describe('a user deactivated and reactivated', () => {
  it('deactivation tells nobody; reactivation restoring assignments is one digest for them, the co-mentors hear of it', async () => {
    const [dana, pia] = [await member('Dana Deactivated'), await member('Pia P')];
    const ws = [await f.worklet({ title: 'D1' }), await f.worklet({ title: 'D2' })];
    for (const w of ws) {
      await api().assignments.assign({ workletId: w.id, mentorId: pia.id, role: 'Primary' });
      await api().assignments.assign({ workletId: w.id, mentorId: dana.id, role: 'Secondary' });
    }
    const before = (await mailsTo(dana)).length;
    const off = await api().users.setActive({ id: dana.id, isActive: false });
    expect(await mailsOfBatch(off.batchId)).toEqual([]);
    expect(await mailsTo(dana)).toHaveLength(before);
    const restorable = await api().users.deactivationRestorable({ id: dana.id });
    const on = await api().users.setActive({
      id: dana.id,
      isActive: true,
      restoreAssignmentIds: restorable.rows.map((r) => r.assignmentId),
    });
    const mails = await mailsOfBatch(on.batchId);
    expect(mails.map((m) => [m.recipientId, m.subject]).sort()).toEqual(
      [
        [dana.id, '2 changes to your worklets'],
        [pia.id, '2 changes to your worklets'],
      ].sort(),
    );
    expect(mails.find((m) => m.recipientId === pia.id)!.textBody).toContain(
      'Dana Deactivated joined “D2” as Secondary.',
    );
  });
});

describe('account mail and the admin view', () => {
  it('an invitation is queued with its link on the public URL', async () => {
    const ivy = await f.user('mentor', { name: 'Ivy Invited' });
    const link = 'https://worklets.example.org/invitation/tok3n';
    await f.db.prisma.$transaction((tx) =>
      queueAccountMail(tx, { kind: 'invitation', to: ivy, link, expiresAt: new Date('2027-01-02T03:04:00Z') }),
    );
    const [mail] = await mailsTo(ivy);
    expect(mail).toMatchObject({ kind: 'invitation', toEmail: ivy.email, subject: 'You are invited to Worklets' });
    // At rest the link is nowhere in the row's text: only sealed with the server's key.
    const row = await f.db.prisma.outboxMail.findFirstOrThrow({ where: { toEmail: ivy.email } });
    expect(JSON.stringify(row)).not.toContain('tok3n');
    const opened = openLink(mailSite.linkKey!, row.sealedLink!);
    expect(opened).toBe(link);
    expect(() => openLink(linkKey('another secret of forty characters......'), row.sealedLink!)).toThrow();
    // What is sent: the link in place in both bodies.
    expect(withLink(mail!.textBody, opened, false)).toContain(link);
    expect(mail!.textBody).toContain('2027-01-02 03:04 UTC');
    expect(withLink(mail!.htmlBody, opened, true)).toContain(`href="${link}"`);
  });

  it('undelivered mail: failed or long pending rows, for admins only; retry now makes one due', async () => {
    const omar = await member('Omar Undelivered');
    await api().assignments.assign({ workletId: (await f.worklet()).id, mentorId: omar.id, role: 'Secondary' });
    const [mail] = await mailsTo(omar);
    const later = new Date(Date.now() + 3_600_000);
    expect((await api().mail.undelivered()).items.map((m) => m.id)).not.toContain(mail!.id);
    await f.db.prisma.outboxMail.update({
      where: { id: mail!.id },
      data: { attempts: 2, lastError: 'ECONNREFUSED', nextAttemptAt: later },
    });
    const listed = (await api().mail.undelivered()).items.find((m) => m.id === mail!.id);
    expect(listed).toMatchObject({ toEmail: omar.email, attempts: 2, lastError: 'ECONNREFUSED' });
    expect(listed).not.toHaveProperty('textBody');
    await api().mail.retryNow({ id: mail!.id });
    const due = await f.db.prisma.outboxMail.findUniqueOrThrow({ where: { id: mail!.id } });
    expect(due.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await caught(api(omar).mail.undelivered())).toMatchObject({ code: 'FORBIDDEN' });
    expect(await caught(api().mail.retryNow({ id: 2_000_000 }))).toMatchObject({ code: 'NOT_FOUND' });
  });
});
