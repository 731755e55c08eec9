/**
 * Accounts in a real browser (issue 10): an admin creates a mentor and copies the invitation
 * link from the screen; the mentor opens it in another browser, sets a password and lands
 * on "My worklets"; the used link shows the one clear page; the mentor changes their password
 * and ends their other sessions on "Your account". axe at 1280 and 390 px on each new screen.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkScreen, launchBrowser, signIn, watchErrors } from './browser.ts';
import { type RunningServer, startProductionServer } from './production-server.ts';

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await startProductionServer();
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await server?.stop();
});

async function newPage(width = 1280): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  contexts.push(context);
  return context.newPage();
}

const password = 'my own sturdy passphrase';
const newPassword = 'an even sturdier passphrase';

describe('accounts', () => {
  let link = '';
  const email = `mia.mentor.${Date.now()}@example.test`;

  it('an admin creates a mentor and copies the invitation link from the screen', async () => {
    const page = await newPage();
    const errors = watchErrors(page);
    await signIn(page, server.url, 'admin@worklets.example');
    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    await page.goto(`${server.url}/users`);
    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.getByRole('dialog', { name: 'New user' });
    await form.getByLabel('Name').fill('Mia Mentor');
    await form.getByLabel('Email').fill(email);
    await form.getByRole('button', { name: 'Create user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invitation for Mia Mentor' });
    await dialog.waitFor();
    await checkScreen(page, 'accounts-invitation-link');
    await dialog.getByRole('button', { name: 'Copy link' }).click();
    await dialog.getByRole('button', { name: 'Link copied' }).waitFor();
    link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toMatch(new RegExp(`^${server.url}/invite#[A-Za-z0-9_-]{43}$`));
    expect(await dialog.getByRole('textbox', { name: 'Invitation link' }).inputValue()).toBe(link);
    await dialog.getByRole('button', { name: 'Done' }).click();
    // Re-send and reset show a new link the same way (reset then closed: the invitation above is used below).
    await page.getByRole('textbox', { name: 'Search users' }).fill('Mia Mentor');
    await page.getByRole('button', { name: 'Reset password of Mia Mentor' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('at phone width the per-user actions are reachable and show a reset link', async () => {
    const page = await newPage(390);
    await signIn(page, server.url, 'admin@worklets.example');
    await page.getByRole('button', { name: 'Toggle navigation' }).waitFor();
    await page.goto(`${server.url}/users`);
    await page.getByRole('textbox', { name: 'Search users' }).fill('Mia Mentor');
    await page.getByRole('table', { name: 'Users' }).getByRole('row').nth(2).waitFor({ state: 'detached' });
    await checkScreen(page, 'accounts-users-phone');
    await page.getByRole('button', { name: 'Re-send invitation to Mia Mentor' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invitation for Mia Mentor' });
    await dialog.waitFor();
    const resent = await dialog.getByRole('textbox', { name: 'Invitation link' }).inputValue();
    expect(resent).not.toBe(link);
    await checkScreen(page, 'accounts-resent-phone');
    await dialog.getByRole('button', { name: 'Done' }).click();
    // The first link died with the new one: use the new one from here on.
    link = resent;
  });

  it('the invited mentor opens the link in another browser, sets a password and sees "My worklets"', async () => {
    for (const width of [390, 1280]) {
      const probe = await newPage(width);
      await probe.goto(`${server.url}/invite#${'A'.repeat(43)}`);
      await probe.getByRole('heading', { name: 'Welcome to Worklets' }).waitFor();
      await checkScreen(probe, `accounts-invite${width === 390 ? '-phone' : ''}`);
    }
    const page = await newPage();
    const errors = watchErrors(page);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Welcome to Worklets' }).waitFor();
    expect(page.url()).not.toContain('#');
    await page.getByLabel('New password').fill('short');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByText('At least 12 characters', { exact: true }).waitFor();
    await page.getByLabel('New password').fill(password);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByRole('heading', { name: 'My worklets' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('the used link shows the one clear page', async () => {
    for (const width of [1280, 390]) {
      const page = await newPage(width);
      await page.goto(link);
      await page.getByLabel('New password').fill('yet another sturdy one');
      await page.getByRole('button', { name: 'Set password and sign in' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: 'This link has expired or was already used; ask your coordinator for a new one.' })
        .waitFor();
      await checkScreen(page, `accounts-used-link${width === 390 ? '-phone' : ''}`);
    }
  });

  it('the setup page asks for name, email and password; a forged setup link gets the clear page', async () => {
    for (const width of [1280, 390]) {
      const page = await newPage(width);
      await page.goto(`${server.url}/setup#${'B'.repeat(43)}`);
      await page.getByRole('heading', { name: 'Create the first admin' }).waitFor();
      await checkScreen(page, `accounts-setup${width === 390 ? '-phone' : ''}`);
      await page.getByRole('button', { name: 'Create admin and sign in' }).click();
      await page.getByText('Enter a name', { exact: true }).waitFor();
      await page.getByLabel('Your name').fill('Forged Admin');
      await page.getByLabel('Email').fill('forged@example.test');
      await page.getByLabel('New password').fill('a sturdy forged passphrase');
      await page.getByRole('button', { name: 'Create admin and sign in' }).click();
      await page.getByRole('heading', { name: 'This link does not work' }).waitFor();
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('This link does not work');
    }
  });

  it('forgot password gives one answer', async () => {
    for (const width of [1280, 390]) {
      const page = await newPage(width);
      await page.goto(server.url);
      await page.getByRole('link', { name: 'Forgot password?' }).click();
      await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
      await page.getByLabel('Email').fill(width === 390 ? email : 'nobody@example.test');
      await page.getByRole('button', { name: 'Send reset link' }).click();
      await page.getByRole('status').filter({ hasText: 'If an active account uses this address' }).waitFor();
      await checkScreen(page, `accounts-forgot${width === 390 ? '-phone' : ''}`);
    }
  });

  async function signedIn(width = 1280): Promise<Page> {
    const page = await newPage(width);
    await signIn(page, server.url, email, password);
    await page.getByRole('heading', { name: 'My worklets' }).waitFor();
    return page;
  }

  async function openAccount(page: Page) {
    await page.goto(`${server.url}/account`);
    await page.getByRole('heading', { name: 'Where you are signed in' }).waitFor();
  }

  it('the mentor ends their other sessions (phone width)', async () => {
    const [a, b] = [await signedIn(), await signedIn()];
    const page = await signedIn(390);
    await openAccount(page);
    await page
      .getByRole('button', { name: /^End session on / })
      .first()
      .waitFor();
    await checkScreen(page, 'accounts-account-phone');
    await page
      .getByRole('button', { name: /^End session on / })
      .first()
      .click();
    await page.getByRole('button', { name: 'End all other sessions' }).click();
    await page.getByText('You are not signed in anywhere else.').waitFor();
    await checkScreen(page, 'accounts-sessions-ended-phone');
    for (const other of [a, b]) {
      await other.reload();
      await other.getByRole('heading', { name: 'Sign in to Worklets' }).waitFor();
    }
  });

  it('the mentor changes their password: the current one is required, other sessions end', async () => {
    const elsewhere = await signedIn();
    const page = await signedIn();
    await openAccount(page);
    await checkScreen(page, 'accounts-account');
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').filter({ hasText: 'Your current password is not right.' }).waitFor();
    await page.getByLabel('Current password').fill(password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Password changed\. Your 2 other sessions were signed out\./ })
      .waitFor();
    await checkScreen(page, 'accounts-password-changed');
    await elsewhere.reload();
    await elsewhere.getByRole('heading', { name: 'Sign in to Worklets' }).waitFor();
    const again = await newPage();
    await signIn(again, server.url, email, newPassword);
    await again.getByRole('heading', { name: 'My worklets' }).waitFor();
  });
});
