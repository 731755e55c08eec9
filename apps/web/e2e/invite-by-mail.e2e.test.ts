/**
 * An invitation by email, end to end (issue 10): the server sends through a real SMTP server
 * (smtp-server, on a free port of this machine); an admin creates a mentor on the Users screen
 * and assigns them to a worklet; the test reads the invitation from the SMTP server (and only
 * it: an invited mentor gets no notifications before they accept); the mentor opens its link,
 * sets a password, is signed in and sees the worklet on "My worklets".
 */
import getPort from 'get-port';
import { simpleParser } from 'mailparser';
import type { Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkScreen, signIn, watchErrors } from './browser.ts';
import { productionApp } from './production-server.ts';

type Mail = { to: string; subject: string; text: string };
const received: Mail[] = [];
const smtpPort = await getPort({ host: '127.0.0.1' });
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, _session, callback) {
    simpleParser(stream).then(
      (mail) => {
        const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
        received.push({ to, subject: mail.subject ?? '', text: mail.text ?? '' });
        callback();
      },
      (error: Error) => callback(error),
    );
  },
});

beforeAll(() => new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve)));
afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

const app = productionApp({
  SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  MAIL_FROM: 'Worklets <noreply@worklets.example>',
});

/** A tRPC call from the signed-in page (same origin, its session cookie). */
const call = (page: Page, path: string, input: unknown, method: 'GET' | 'POST') =>
  page.evaluate(
    async ({ path, input, method }) => {
      const body = JSON.stringify({ json: input });
      const res =
        method === 'GET'
          ? await fetch(`/api/trpc/${path}?input=${encodeURIComponent(body)}`)
          : await fetch(`/api/trpc/${path}`, { method, headers: { 'content-type': 'application/json' }, body });
      return (await res.json()).result.data.json;
    },
    { path, input, method },
  );

describe('an invitation by email', () => {
  it('reaches the new mentor, whose link sets a password and shows their worklets', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    const email = `nia.mailed.${Date.now()}@example.test`;
    await signIn(page, app.server.url, 'admin@worklets.example');
    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    await page.goto(`${app.server.url}/users`);
    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.getByRole('dialog', { name: 'New user' });
    await form.getByLabel('Name').fill('Nia Mailed');
    await form.getByLabel('Email').fill(email);
    await form.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'mentor', exact: true }).click();
    await form.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('dialog', { name: 'Invitation for Nia Mailed' }).getByRole('button', { name: 'Done' }).click();

    // Assigned before accepting: the invitation is what reaches them, not a notification.
    const [nia] = await call(page, 'mentors.search', { query: 'Nia Mailed', limit: 1 }, 'GET');
    const worklet = (await call(page, 'worklets.list', { status: 'active', limit: 1 }, 'GET')).items[0];
    await call(
      page,
      'assignments.assign',
      { workletId: worklet.id, mentorId: nia.id, role: 'Secondary', allowOverCapacity: true },
      'POST',
    );

    await expect.poll(() => received.filter((m) => m.to.includes(email)).length, { timeout: 30_000 }).toBe(1);
    const [mail] = received.filter((m) => m.to.includes(email));
    expect(mail!.subject).toBe('You are invited to Worklets');
    const link = mail!.text.match(/https?:\/\/\S+\/invite#[A-Za-z0-9_-]{43}/)?.[0];
    expect(link?.startsWith(`${app.server.url}/invite#`)).toBe(true);

    const mentorPage = await (await app.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await mentorPage.goto(link!);
    await mentorPage.getByRole('heading', { name: 'Welcome to Worklets' }).waitFor();
    await mentorPage.getByLabel('New password').fill('a sturdy passphrase from mail');
    await mentorPage.getByRole('button', { name: 'Set password and sign in' }).click();
    await mentorPage.getByRole('heading', { name: 'My worklets' }).waitFor();
    await mentorPage.getByText(worklet.title).first().waitFor();
    await checkScreen(mentorPage, 'accounts-invited-by-mail');
    // Still one mail: nothing was sent about the assignment made before they accepted.
    expect(received.filter((m) => m.to.includes(email))).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});
