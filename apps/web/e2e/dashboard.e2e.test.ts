/**
 * The dashboard in a real browser (Debian's Chromium via playwright-core) against the
 * production build served by the real server on a fresh embedded database with demo data.
 * Screenshots of the main screens go to apps/web/e2e-artifacts/ (git-ignored).
 */
import { connectWorklets } from '@worklets/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signIn, watchErrors } from './browser.ts';
import { type RunningServer, startProductionServer } from './production-server.ts';

let server: RunningServer;
let browser: Browser;
let mentors: { id: number; name: string }[];
const title = 'Robot path planning for warehouse aisles (e2e)';

beforeAll(async () => {
  server = await startProductionServer();
  browser = await launchBrowser();
  const admin = await connectWorklets({
    baseUrl: server.url,
    email: 'admin@worklets.example',
    password: 'worklets-demo',
  });
  mentors = (await admin.api.mentors.search.query({ query: '', limit: 10 }))
    .filter((m) => m.email !== 'mentor@worklets.example')
    .slice(0, 2);
  await admin.signOut();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function cards(page: Page) {
  await page.getByRole('region', { name: 'Worklet cards' }).waitFor({ state: 'attached' });
  return page.locator('article.worklet-card');
}

describe('dashboard', () => {
  it('lets an admin create a worklet, assign two mentors, make one Primary and remove one', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await signIn(page, server.url, 'admin@worklets.example');
    await expect.poll(async () => (await cards(page)).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await screenshot(page, 'worklets');

    // A bad input shows its error next to the field, and nothing is created.
    await page.getByRole('button', { name: 'New worklet' }).click();
    const dialog = page.getByRole('dialog', { name: 'New worklet' });
    await dialog.getByLabel('Title').fill('ab');
    await dialog.getByRole('button', { name: 'Create worklet' }).click();
    await expect.poll(() => dialog.getByText('A title needs at least 3 characters').isVisible()).toBe(true);
    await screenshot(page, 'new-worklet-error');
    // Checked in the browser with the API's schema, in a coordinator's words.
    await dialog.getByLabel('Title').fill('x'.repeat(201));
    await dialog.getByRole('button', { name: 'Create worklet' }).click();
    await expect.poll(() => dialog.getByText('At most 200 characters').isVisible()).toBe(true);
    await dialog.getByLabel('Title').fill(title);
    await dialog.getByLabel('Description').fill('Plan collision-free routes for picking robots in narrow aisles.');
    await dialog.getByRole('button', { name: 'Create worklet' }).click();
    await page.getByRole('heading', { name: title }).waitFor();

    // Two mentors through the multi-select, which searches on the server as you type.
    const picker = page.getByRole('combobox', { name: 'Assigned mentors' });
    for (const mentor of mentors) {
      await picker.fill(mentor.name);
      await page.getByRole('option', { name: mentor.name }).first().click();
    }
    await page.keyboard.press('Escape');
    const [first, second] = mentors as [{ id: number; name: string }, { id: number; name: string }];
    await expect.poll(() => page.getByRole('combobox', { name: `Role of ${first.name}` }).inputValue()).toBe('Primary');
    expect(await page.getByRole('combobox', { name: `Role of ${second.name}` }).inputValue()).toBe('Secondary');
    await page.getByRole('listitem', { name: second.name }).getByRole('button', { name: 'Make Primary' }).click();
    await expect
      .poll(() => page.getByRole('combobox', { name: `Role of ${second.name}` }).inputValue())
      .toBe('Primary');
    await expect
      .poll(() => page.getByRole('combobox', { name: `Role of ${first.name}` }).inputValue())
      .toBe('Secondary');
    await page.getByRole('button', { name: 'Save mentors' }).click();
    await page.getByText('Mentors saved').waitFor();
    const history = page.getByRole('region', { name: 'History' });
    await expect.poll(() => history.getByText(`${second.name} assigned as Primary`).isVisible()).toBe(true);
    await screenshot(page, 'worklet-detail');

    // Both show on the card, Primary first.
    await page.goto(`${server.url}/worklets?q=${encodeURIComponent('warehouse aisles')}`);
    const card = (await cards(page)).filter({ hasText: title });
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.getByRole('listitem').allTextContents()).toEqual([
      `Primary${second.name}`,
      `Secondary${first.name}`,
    ]);

    // Deactivate one: it leaves the card and shows in the history.
    await card.getByRole('link', { name: title }).click();
    await page.getByRole('button', { name: `Remove ${first.name}` }).click();
    await page.getByRole('button', { name: 'Save mentors' }).click();
    await expect.poll(() => history.getByText(`${first.name} removed (was Secondary)`).isVisible()).toBe(true);
    await page.getByRole('button', { name: `Reactivate ${first.name}` }).waitFor();
    await screenshot(page, 'worklet-history');

    // From the mentor's page: asking for Primary where someone is Primary names them,
    // and the coordinator can replace them.
    await page.goto(`${server.url}/mentors/${first.id}`);
    await page
      .getByRole('textbox', { name: 'Worklet' })
      .or(page.getByRole('combobox', { name: 'Worklet' }))
      .first()
      .fill('warehouse aisles');
    await page.getByRole('option', { name: title }).click();
    await page.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'Primary', exact: true }).click();
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    const conflict = page.getByRole('alert').filter({ hasText: `${second.name} is already the Primary mentor` });
    await conflict.waitFor();
    await screenshot(page, 'mentor-assign-conflict');
    await conflict
      .getByRole('button', { name: `Make ${first.name} Primary; ${second.name} becomes Secondary` })
      .click();
    await page.getByText(`${first.name} is now Primary`).waitFor();
    await expect
      .poll(() =>
        page
          .getByRole('table', { name: 'Active worklets' })
          .getByRole('row', { name: new RegExp(title.replace(/[()]/g, '\\$&')) })
          .textContent(),
      )
      .toContain('Primary');
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  });

  it('shows a mentor only their own worklets, starting with My worklets', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await signIn(page, server.url, 'mentor@worklets.example');
    await page.getByRole('heading', { name: 'My worklets' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/my-worklets');
    const mentorClient = await connectWorklets({
      baseUrl: server.url,
      email: 'mentor@worklets.example',
      password: 'worklets-demo',
    });
    const me = await mentorClient.api.users.me.query();
    const own = await mentorClient.api.assignments.mentorWorklets.query({ mentorId: me.id });
    expect(own.length).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByRole('table', { name: 'Active worklets' }).getByRole('row').count())
      .toBe(own.length + 1);
    await screenshot(page, 'my-worklets');

    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Worklets', exact: true })
      .click();
    const list = await cards(page);
    await expect.poll(() => list.count()).toBe(own.length);
    for (const text of await list.allTextContents()) expect(text).toContain(me.name);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('works at phone width without sideways scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, server.url, 'admin@worklets.example');
    await expect.poll(async () => (await cards(page)).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(page, 'worklets-phone');
    // The navigation is behind the burger, reachable by keyboard.
    await page.getByRole('button', { name: 'Toggle navigation' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Mentors' }).waitFor();
    await page.close();
  });

  it('shows only the chosen event type in the audit log, and keeps the filter in the URL', async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await signIn(page, server.url, 'admin@worklets.example');
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', exact: true }).waitFor();
    const entries = page.getByRole('list', { name: 'Audit log' }).getByRole('listitem');
    await expect.poll(() => entries.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const kinds = () =>
      entries.evaluateAll((items) => [...new Set(items.map((i) => i.getAttribute('data-event-type')))]);
    expect((await kinds()).length).toBeGreaterThan(1);

    await page.getByRole('combobox', { name: 'Event types' }).click();
    await page.getByRole('option', { name: 'Role changed' }).click();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.url()).toContain('type=role_changed');
    await expect.poll(kinds, { timeout: 20_000 }).toEqual(['role_changed']);
    await screenshot(page, 'audit-log-role-changed');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a save from a stale tab, shows what changed and by whom, and saves after review', async () => {
    const admin = await connectWorklets({
      baseUrl: server.url,
      email: 'admin@worklets.example',
      password: 'worklets-demo',
    });
    const me = await admin.api.users.me.query();
    const created = await admin.api.worklets.create.mutate({
      idempotencyKey: crypto.randomUUID(),
      title: 'Two tabs: sensor fusion for drones (e2e)',
      status: 'active',
    });
    await admin.signOut();
    const [ines, karan] = mentors as [{ id: number; name: string }, { id: number; name: string }];
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tabA = await context.newPage();
    const errors = watchErrors(tabA);
    await signIn(tabA, server.url, 'admin@worklets.example');
    await tabA.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    const tabB = await context.newPage();
    for (const tab of [tabA, tabB]) {
      await tab.goto(`${server.url}/worklets/${created.id}`);
      await tab.getByRole('combobox', { name: 'Assigned mentors' }).waitFor();
    }
    async function pick(tab: Page, name: string) {
      await tab.getByRole('combobox', { name: 'Assigned mentors' }).fill(name);
      await tab.getByRole('option', { name }).first().click();
      await tab.keyboard.press('Escape');
    }

    await pick(tabA, ines.name);
    await tabA.getByRole('button', { name: 'Save mentors' }).click();
    await tabA.getByText('Mentors saved').waitFor();

    await pick(tabB, karan.name);
    await tabB.getByRole('button', { name: 'Save mentors' }).click();
    const stale = tabB.getByRole('alert').filter({ hasText: 'Someone else changed this worklet' });
    await stale.waitFor();
    expect(await stale.textContent()).toContain(`${ines.name} assigned as Primary, by ${me.name}`);
    await screenshot(tabB, 'stale-save-refused');

    await tabB.getByRole('button', { name: 'Review my changes' }).click();
    const unsaved = tabB.getByRole('alert').filter({ hasText: 'Unsaved changes' });
    await expect.poll(() => unsaved.textContent()).toContain(`Add ${karan.name} as Secondary`);
    await tabB.getByRole('button', { name: 'Save mentors' }).click();
    await tabB.getByText('Mentors saved').waitFor();

    const check = await connectWorklets({
      baseUrl: server.url,
      email: 'admin@worklets.example',
      password: 'worklets-demo',
    });
    const saved = await check.api.assignments.workletMentors.query({ workletId: created.id });
    await check.signOut();
    expect(saved.map((m) => [m.name, m.role]).sort()).toEqual(
      [
        [ines.name, 'Primary'],
        [karan.name, 'Secondary'],
      ].sort(),
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('creates one worklet however often Create is clicked or Enter pressed', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, server.url, 'admin@worklets.example');
    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    const titles = ['Double click: solar forecasting (e2e)', 'Double enter: soil moisture maps (e2e)'];
    for (const [i, name] of titles.entries()) {
      await page.getByRole('button', { name: 'New worklet' }).click();
      const dialog = page.getByRole('dialog', { name: 'New worklet' });
      await dialog.getByLabel('Title').fill(name);
      if (i === 0) await dialog.getByRole('button', { name: 'Create worklet' }).dblclick();
      else {
        await dialog.getByLabel('Title').press('Enter');
        await dialog.getByLabel('Title').press('Enter');
      }
      await page.getByRole('heading', { name }).waitFor();
      await page.goto(`${server.url}/worklets`);
    }
    const admin = await connectWorklets({
      baseUrl: server.url,
      email: 'admin@worklets.example',
      password: 'worklets-demo',
    });
    for (const name of titles) {
      const found = await admin.api.worklets.list.query({ search: name.slice(0, 20), limit: 10 });
      expect(found.items.filter((w) => w.title === name)).toHaveLength(1);
    }
    await admin.signOut();
    await page.close();
  });
});
