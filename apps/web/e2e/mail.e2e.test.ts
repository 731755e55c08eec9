/**
 * Mail screens (issue 10) in a real browser against the production server, whose SMTP
 * server is down (a port nobody listens on): an assignment's notification fails, the
 * admin's Mail screen lists it with its error and retries it; a mentor turns their own
 * notifications off. axe-core and screenshots (mail-*.png) at desktop and phone width.
 */
import getPort from 'get-port';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkScreen, launchBrowser, signIn, watchErrors } from './browser.ts';
import { type RunningServer, startProductionServer } from './production-server.ts';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  const deadPort = await getPort();
  server = await startProductionServer({
    SMTP_URL: `smtp://127.0.0.1:${deadPort}`,
    MAIL_FROM: 'Worklets <no-reply@worklets.example>',
  });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A tRPC call from the page, with its session cookie (superjson wire format). */
function call(page: Page, path: string, input: unknown, method: 'GET' | 'POST') {
  return page.evaluate(
    async ({ path, input, method }) => {
      const body = JSON.stringify({ json: input });
      const res =
        method === 'GET'
          ? await fetch(`/api/trpc/${path}?input=${encodeURIComponent(body)}`)
          : await fetch(`/api/trpc/${path}`, { method, headers: { 'content-type': 'application/json' }, body });
      return { status: res.status, data: (await res.json())?.result?.data?.json };
    },
    { path, input, method },
  );
}

/** Assigns the demo mentor to some active worklet they do not have yet (their notification is queued). */
async function assignDemoMentor(page: Page): Promise<void> {
  const mentors = await call(page, 'mentors.list', { limit: 5, search: 'mentor@worklets.example' }, 'GET');
  const mentorId = mentors.data.items[0].id as number;
  const worklets = await call(page, 'worklets.list', { limit: 50, status: 'active' }, 'GET');
  for (const w of worklets.data.items as { id: number }[]) {
    const res = await call(page, 'assignments.assign', { workletId: w.id, mentorId, role: 'Collaborator' }, 'POST');
    if (res.status === 200) return;
  }
  throw new Error('no worklet took the demo mentor');
}

describe('mail screens', () => {
  it('the admin sees the undelivered notification and retries it (1280 and 390 px)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await signIn(page, server.url, 'admin@worklets.example');
    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    await assignDemoMentor(page);
    // The worker tries at once; the mail shows once it has failed.
    await page.waitForTimeout(3_000);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Mail' }).click();
    await page.getByRole('heading', { name: 'Undelivered mail' }).waitFor();
    // Away from the nav link: its hover colour on the active link is the theme's (4.0:1, reported apart).
    await page.mouse.move(640, 850);
    const table = page.getByRole('table', { name: 'Undelivered mail' });
    await table.waitFor();
    await expect(table.getByText('mentor@worklets.example').first().isVisible()).resolves.toBe(true);
    await expect(
      table
        .getByText(/ECONNREFUSED|ECONNECTION/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await checkScreen(page, 'mail-undelivered-desktop');
    await page
      .getByRole('button', { name: /^Retry now: .* to mentor@worklets\.example$/ })
      .first()
      .click();
    await page.getByText('The mail will be tried again in a moment.').waitFor();

    await page.setViewportSize({ width: 390, height: 900 });
    await page.reload();
    await table.waitFor();
    const retry = page.getByRole('button', { name: /^Retry now: / }).first();
    await expect(retry.isVisible()).resolves.toBe(true);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await checkScreen(page, 'mail-undelivered-phone');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a mentor turns their notifications off from the user menu (1280 and 390 px)', async () => {
    for (const width of [1280, 390]) {
      const page = await browser.newPage({ viewport: { width, height: 800 } });
      const errors = watchErrors(page);
      await signIn(page, server.url, 'mentor@worklets.example');
      await page.getByRole('button', { name: /^Account of / }).click();
      await page.getByRole('menuitem', { name: 'Notifications' }).click();
      const toggle = page.getByRole('switch', { name: 'Email me when my assignments change' });
      await toggle.waitFor();
      const before = await toggle.isChecked();
      // Not forced: Playwright waits until nothing covers the switch (the user menu closing
      // over it at 390 px took a forced click), and checks that it changed.
      await toggle.setChecked(!before);
      await page.getByText(before ? 'Notifications are off.' : 'Notifications are on.').waitFor();
      await page.reload();
      await toggle.waitFor();
      expect(await toggle.isChecked()).toBe(!before);
      await checkScreen(page, `mail-notifications-${width === 390 ? 'phone' : 'desktop'}`);
      expect(errors).toEqual([]);
      await page.close();
    }
  });
});
