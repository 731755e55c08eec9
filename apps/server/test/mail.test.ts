/**
 * Mail (issue 10) against a real SMTP server (smtp-server, started here on a free port;
 * messages read back with mailparser): the server's worker delivers a notification with
 * its recipient, subject, Message-ID and a link on PUBLIC_URL; who gets mail; one digest
 * per person for a bulk change; the invitation's link. The outbox's guarantees: SMTP down
 * -> the change succeeds, the mail is retried with backoff and delivered when SMTP is back;
 * a crash between commit and send -> sent by the next worker; two workers -> each mail
 * exactly once.
 */
import { createCaller, createContextInner, linkKey, type SessionUser } from '@worklets/api';
import { queueAccountMail } from '@worklets/api/account-mail';
import { createPrismaClient } from '@worklets/db';
import { createTestDatabase, type TestDatabase } from '@worklets/db/testing';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type MailWorker, startMailWorker } from '../src/mail-worker.ts';
import { freePort, startTestServer, type TestServer, testSecret } from './test-server.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

type Received = { messageId: string; to: string; from: string; subject: string; text: string };

/** A real SMTP server on a free port of 127.0.0.1 that keeps what it receives; it can go down and come back. */
async function startSmtpSink() {
  const port = await freePort();
  const received: Received[] = [];
  let server: SMTPServer | null = null;
  async function up() {
    server = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (mail) => {
            received.push({
              messageId: `<${mail.messageId?.replace(/^<|>$/g, '')}>`,
              to: Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? ''),
              from: mail.from?.value[0]?.address ?? '',
              subject: mail.subject ?? '',
              text: mail.text ?? '',
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
  }
  async function down() {
    const s = server;
    server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  await up();
  return { url: `smtp://worklets:s3cret-pass@127.0.0.1:${port}`, received, up, down };
}

/** Resolves once `condition` holds (checked every 50 ms), fails after `ms`. */
async function until(condition: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const from = 'Worklets <no-reply@worklets.example>';
let db: TestDatabase;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
const workers: MailWorker[] = [];
let counter = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await smtp?.down();
  await db?.close();
});

const api = (user: SessionUser) => createCaller(createContextInner({ db: db.prisma, user }));

async function person(role: SessionUser['role'], name: string, password = true): Promise<SessionUser> {
  const n = `${Date.now().toString(36)}${counter++}`;
  const user = await db.prisma.user.create({
    data: { email: `${role}.${n}@example.test`, name, role },
    select: { id: true, email: true, name: true, role: true },
  });
  if (password)
    await db.prisma.account.create({
      data: { userId: user.id, accountId: String(user.id), providerId: 'credential', password: 'hash' },
    });
  return user;
}

const worklet = (title: string) =>
  db.prisma.worklet.create({ data: { title, status: 'active' }, select: { id: true, title: true } });

function worker(options: Partial<Parameters<typeof startMailWorker>[0]> = {}): MailWorker {
  const w = startMailWorker({
    prisma: db.prisma,
    smtpUrl: smtp.url,
    from,
    linkKey: linkKey(testSecret),
    intervalMs: 50,
    backoffMs: 200,
    ...options,
  });
  workers.push(w);
  return w;
}

const receivedBy = (email: string) => smtp.received.filter((m) => m.to.includes(email));
const unsent = () => db.prisma.outboxMail.count({ where: { sentAt: null } });

describe('the server sends the outbox over SMTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db, config: { mail: { smtpUrl: smtp.url, from } } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('an assignment made over HTTP: the mentor gets one mail, its link on PUBLIC_URL works', async () => {
    const admin = await server.createUser('admin', { name: 'Ada Admin' });
    const mentor = await server.createUser('mentor', { name: 'Omar Kapoor' });
    const w = await worklet('Rust basics');
    const cookie = await server.signIn(admin);
    const res = await server.mutation(
      'assignments.assign',
      { workletId: w.id, mentorId: mentor.id, role: 'Secondary' },
      { cookie },
    );
    expect(res.status).toBe(200);
    await until(() => receivedBy(mentor.email).length > 0);
    const [mail, ...more] = receivedBy(mentor.email);
    expect(more).toEqual([]);
    const row = await db.prisma.outboxMail.findFirstOrThrow({ where: { recipientId: mentor.id } });
    expect(mail).toMatchObject({
      messageId: row.messageId,
      to: mentor.email,
      from: 'no-reply@worklets.example',
      subject: 'You were assigned to “Rust basics” as Secondary by Ada Admin',
    });
    await until(async () => (await db.prisma.outboxMail.findUniqueOrThrow({ where: { id: row.id } })).sentAt !== null);
    const link = mail!.text.match(/https?:\/\/\S+\/worklets\/\d+/)![0];
    expect(link).toBe(`${server.url}/worklets/${w.id}`);
    // The server answers the link with the web app (503 "not built" in a test run without a build), not a 404.
    const page = await fetch(link, { headers: { cookie: await server.signIn(mentor) } });
    expect([200, 503]).toContain(page.status);
    if (page.status === 200) expect(await page.text()).toContain('<div id="root">');
  });

  it('the invitation: its link on PUBLIC_URL carries the token', async () => {
    const invited = await person('mentor', 'Ivy Invited', false);
    const link = `${server.url}/invitation/tok-${counter}`;
    await db.prisma.$transaction((tx) =>
      queueAccountMail(tx, { kind: 'invitation', to: invited, link, expiresAt: new Date(Date.now() + 86_400_000) }),
    );
    await until(() => receivedBy(invited.email).length > 0);
    const [mail] = receivedBy(invited.email);
    expect(mail!.subject).toBe('You are invited to Worklets');
    expect(mail!.text).toContain(link);
    // Sent: the one-time secret does not stay in the outbox.
    const stored = async () =>
      (await db.pool.query(`SELECT sent_at, text_body, html_body FROM outbox WHERE to_email = $1`, [invited.email]))
        .rows[0];
    await expect.poll(async () => (await stored())?.sent_at ?? null).not.toBeNull();
    expect(await stored()).toMatchObject({ text_body: '', html_body: '' });
  });
});

describe('who gets mail', () => {
  it('the mentor and the co-mentors; nobody with notifications off or without a password; one digest a bulk change', async () => {
    const admin = await person('admin', 'Ada Admin');
    const [pia, omar, quiet, invited] = [
      await person('mentor', 'Pia Primary'),
      await person('mentor', 'Omar Kapoor'),
      await person('mentor', 'Quinn Quiet'),
      await person('mentor', 'Ivy Invited', false),
    ];
    await api(quiet).users.setNotifications({ enabled: false });
    const w = await worklet('Go intro');
    await api(admin).assignments.assign({ workletId: w.id, mentorId: pia.id, role: 'Primary' });
    await api(admin).assignments.assign({ workletId: w.id, mentorId: omar.id, role: 'Collaborator' });
    await api(admin).assignments.assign({ workletId: w.id, mentorId: quiet.id, role: 'Secondary' });
    await api(admin).assignments.assign({ workletId: w.id, mentorId: invited.id, role: 'Secondary' });
    const more = [await worklet('Bulk 1'), await worklet('Bulk 2')];
    const bulk = await api(admin).batches.bulk({
      target: { ids: more.map((m) => m.id) },
      action: { kind: 'addMentor', mentorId: omar.id, role: 'Secondary' },
    });
    expect(bulk.done).toBe(2);
    const w1 = worker();
    await until(async () => (await unsent()) === 0);
    await w1.stop();
    // A round sends its mails side by side: compare them in any order.
    const subjects = (email: string) => receivedBy(email).map((m) => m.subject);
    expect(subjects(pia.email).sort()).toEqual(
      [
        'You were assigned to “Go intro” as Primary by Ada Admin',
        'Omar Kapoor joined “Go intro” as Collaborator',
        'Quinn Quiet joined “Go intro” as Secondary',
        'Ivy Invited joined “Go intro” as Secondary',
      ].sort(),
    );
    expect(subjects(omar.email).sort()).toEqual(
      [
        'You were assigned to “Go intro” as Collaborator by Ada Admin',
        'Quinn Quiet joined “Go intro” as Secondary',
        'Ivy Invited joined “Go intro” as Secondary',
        '2 changes to your worklets',
      ].sort(),
    );
    const digest = receivedBy(omar.email).find((m) => m.subject === '2 changes to your worklets')!;
    expect(digest.text).toContain('You were assigned to “Bulk 1” as Secondary by Ada Admin.');
    expect(digest.text).toContain('You were assigned to “Bulk 2” as Secondary by Ada Admin.');
    expect(receivedBy(quiet.email)).toEqual([]);
    expect(receivedBy(invited.email)).toEqual([]);
  });
});

describe('the outbox guarantees', () => {
  it('SMTP down: the change succeeds, the mail is retried with backoff and delivered when SMTP is back', async () => {
    const admin = await person('admin', 'Ada Admin');
    const mentor = await person('mentor', 'Dana Down');
    await smtp.down();
    const saved = await api(admin).assignments.assign({
      workletId: (await worklet('Down')).id,
      mentorId: mentor.id,
      role: 'Primary',
    });
    expect(saved.batchId).not.toBeNull();
    const w1 = worker({ backoffMs: 300 });
    const row = () => db.prisma.outboxMail.findFirstOrThrow({ where: { recipientId: mentor.id } });
    await until(async () => (await row()).attempts >= 2);
    const failed = await row();
    expect(failed.sentAt).toBeNull();
    expect(failed.lastError).toMatch(/ECONNREFUSED|ECONNECTION/);
    expect(failed.lastError).not.toContain('s3cret');
    // Backoff: the next attempt waits longer after each failure.
    expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 100);
    expect(receivedBy(mentor.email)).toEqual([]);
    await smtp.up();
    await until(async () => (await row()).sentAt !== null);
    await w1.stop();
    expect(receivedBy(mentor.email).map((m) => m.messageId)).toEqual([failed.messageId]);
    expect((await row()).lastError).toBeNull();
  });

  it('a crash between commit and send: the next worker (after a restart) sends it, after the lease', async () => {
    const admin = await person('admin', 'Ada Admin');
    const mentor = await person('mentor', 'Cara Crash');
    await api(admin).assignments.assign({ workletId: (await worklet('Crash')).id, mentorId: mentor.id });
    // A worker claimed it (the lease of its claim) and died before sending.
    await db.prisma.$executeRaw`UPDATE outbox SET next_attempt_at = now() + interval '1 second' WHERE sent_at IS NULL`;
    const claimedAt = Date.now();
    const w2 = worker();
    await until(() => receivedBy(mentor.email).length > 0);
    expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(900);
    await until(async () => (await unsent()) === 0);
    await w2.stop();
    expect(receivedBy(mentor.email)).toHaveLength(1);
  });

  it('mail sent more than 30 days ago is deleted; newer and unsent mail stays', async () => {
    const people = [await person('mentor', 'Old Sent'), await person('mentor', 'New Sent')];
    for (const p of people)
      await db.prisma.$transaction((tx) =>
        queueAccountMail(tx, { kind: 'password_reset', to: p, link: 'http://localhost/r', expiresAt: new Date() }),
      );
    const day = 86_400_000;
    await db.prisma.outboxMail.updateMany({
      where: { recipientId: people[0]!.id },
      data: { sentAt: new Date(Date.now() - 31 * day) },
    });
    await db.prisma.outboxMail.updateMany({
      where: { recipientId: people[1]!.id },
      data: { sentAt: new Date(Date.now() - 29 * day) },
    });
    const w = worker();
    await w.runOnce();
    await w.stop();
    expect(await db.prisma.outboxMail.count({ where: { recipientId: people[0]!.id } })).toBe(0);
    expect(await db.prisma.outboxMail.count({ where: { recipientId: people[1]!.id } })).toBe(1);
  });

  it('two workers on one database: each mail exactly once', async () => {
    const people = await Promise.all(Array.from({ length: 30 }, (_, i) => person('mentor', `Twin ${i}`, false)));
    await db.prisma.$transaction(async (tx) => {
      for (const p of people)
        await queueAccountMail(tx, {
          kind: 'password_reset',
          to: p,
          link: `http://localhost/reset/${p.id}`,
          expiresAt: new Date(Date.now() + 3_600_000),
        });
    });
    const ids = (await db.prisma.outboxMail.findMany({ where: { sentAt: null }, select: { messageId: true } })).map(
      (r) => r.messageId,
    );
    expect(ids).toHaveLength(30);
    // On PostgreSQL the second worker has a connection pool of its own, as another process would.
    const other = db.kind === 'postgres' ? createPrismaClient(db.connectionString) : null;
    const a = worker({ batchSize: 3, intervalMs: 10 });
    const b = worker({ batchSize: 3, intervalMs: 10, prisma: other?.prisma ?? db.prisma });
    await until(async () => (await unsent()) === 0);
    await Promise.all([a.stop(), b.stop()]);
    await other?.close();
    const counts = new Map<string, number>();
    for (const m of smtp.received) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
    expect(ids.map((id) => counts.get(id))).toEqual(ids.map(() => 1));
  });
});
