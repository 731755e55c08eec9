/**
 * Every main screen, as each kind of user and at phone width, checked by axe-core (no
 * serious or critical violation) with the production CSP on, and photographed into
 * apps/web/e2e-artifacts/.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { accessibilityViolations, screenshot, signIn } from './browser.ts';
import { productionApp } from './production-server.ts';

const app = productionApp();

/** Visits each screen, waits for what marks it loaded, and returns every violation found. */
async function audit(page: Page, screens: { name: string; open: () => Promise<void> }[]): Promise<string[]> {
  const found: string[] = [];
  for (const screen of screens) {
    await screen.open();
    await page.waitForLoadState('networkidle');
    await screenshot(page, screen.name);
    for (const v of await accessibilityViolations(page)) found.push(`${screen.name}: ${v}`);
  }
  return found;
}

const go = (page: Page, path: string, ready: string) => async () => {
  await page.goto(`${app.server.url}${path}`);
  await page.getByRole('heading', { name: ready, exact: true }).first().waitFor();
};

describe('accessibility (axe-core, CSP on)', () => {
  it('has no serious or critical violation on the sign-in screen', async () => {
    const page = await app.browser.newPage();
    const found = await audit(page, [{ name: 'a11y-sign-in', open: go(page, '/', 'Sign in to Worklets') }]);
    expect(found).toEqual([]);
    await page.close();
  });

  for (const width of [1280, 390]) {
    it(`has none on the admin's screens at ${width} px`, async () => {
      const page = await app.browser.newPage({ viewport: { width, height: 900 } });
      await signIn(page, app.server.url, 'admin@worklets.example');
      await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
      const suffix = width === 390 ? '-phone' : '';
      const found = await audit(page, [
        { name: `a11y-worklets${suffix}`, open: go(page, '/worklets', 'Worklets') },
        {
          name: `a11y-worklet-detail${suffix}`,
          open: async () => {
            await go(page, '/worklets?status=active', 'Worklets')();
            await page.locator('article.worklet-card a').first().click();
            await page.getByRole('combobox', { name: 'Assigned mentors' }).waitFor();
          },
        },
        {
          name: `a11y-edit-worklet${suffix}`,
          open: async () => {
            await page.getByRole('button', { name: 'Edit worklet' }).click();
            await page.getByRole('dialog', { name: 'Edit worklet' }).waitFor();
          },
        },
        { name: `a11y-mentors${suffix}`, open: go(page, '/mentors', 'Mentors') },
        {
          name: `a11y-mentor${suffix}`,
          open: async () => {
            await go(page, '/mentors', 'Mentors')();
            await page.getByRole('table').getByRole('link').first().click();
            await page.getByRole('heading', { level: 1 }).waitFor();
          },
        },
        { name: `a11y-users${suffix}`, open: go(page, '/users', 'Users') },
        {
          name: `a11y-new-user${suffix}`,
          open: async () => {
            await page.getByRole('button', { name: 'New user' }).click();
            await page.getByRole('dialog', { name: 'New user' }).waitFor();
          },
        },
        {
          name: `a11y-deactivate-user${suffix}`,
          open: async () => {
            await go(page, '/users?', 'Users')();
            await page
              .getByRole('button', { name: /^Deactivate / })
              .first()
              .click();
            await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).waitFor();
          },
        },
        { name: `a11y-audit-log${suffix}`, open: go(page, '/audit-log', 'Audit log') },
        {
          name: `a11y-audit-log-filtered${suffix}`,
          open: async () => {
            await go(page, '/audit-log?type=assigned,role_changed&from=2000-01-01', 'Audit log')();
            await page.getByRole('list', { name: 'Audit log' }).waitFor();
          },
        },
        { name: `a11y-not-found${suffix}`, open: go(page, '/no-such-page', 'Page not found') },
      ]);
      expect(found).toEqual([]);
      // Every action of a table row is on screen, without sideways scrolling.
      await go(page, '/users', 'Users')();
      const lastButton = page.getByRole('table', { name: 'Users' }).getByRole('button').last();
      const box = await lastButton.boundingBox();
      expect(box && box.x + box.width).toBeLessThanOrEqual(width);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.close();
    });
  }

  it('has none on the mentor and student screens, including a forbidden one', async () => {
    const found: string[] = [];
    for (const who of ['mentor', 'student']) {
      const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await signIn(page, app.server.url, `${who}@worklets.example`);
      await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
      found.push(
        ...(await audit(page, [
          {
            name: `a11y-${who}-home`,
            open: go(
              page,
              who === 'mentor' ? '/my-worklets' : '/worklets',
              who === 'mentor' ? 'My worklets' : 'Worklets',
            ),
          },
          {
            name: `a11y-${who}-worklet`,
            open: async () => {
              await go(page, '/worklets', 'Worklets')();
              await page.locator('article.worklet-card a').first().click();
              await page.getByRole('heading', { name: 'Mentors', exact: true }).waitFor();
            },
          },
          { name: `a11y-${who}-forbidden`, open: go(page, '/users', 'Not permitted') },
        ])),
      );
      await context.close();
    }
    expect(found).toEqual([]);
  });
});
