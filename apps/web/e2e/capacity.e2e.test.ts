/**
 * Workload and capacity in a real browser, on the demo data (Omar Kapoor 11 of 8 and Wei
 * Schmidt 9 of 8 over capacity, Arjun Iyer 7 of his own 12): the overview's counts link to
 * lists that show exactly them, the Mentors page sorts by load and filters over capacity
 * from its URL, the picker says a mentor's load in words, and assigning over capacity asks
 * to confirm and says so in the history. axe at 1280 and 390 px; screenshots capacity-*.png.
 */
import { connectWorklets } from '@worklets/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactsDir, checkScreen, launchBrowser, signIn, watchErrors } from './browser.ts';
import { type RunningServer, startProductionServer } from './production-server.ts';

let server: RunningServer;
let browser: Browser;
let admin: Awaited<ReturnType<typeof connectWorklets>>;

beforeAll(async () => {
  server = await startProductionServer();
  browser = await launchBrowser();
  admin = await connectWorklets({ baseUrl: server.url, email: 'admin@worklets.example', password: 'worklets-demo' });
}, 180_000);

afterAll(async () => {
  await admin?.signOut();
  await browser?.close();
  await server?.stop();
});

async function adminPage(width = 1280): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const errors = watchErrors(page);
  await signIn(page, server.url, 'admin@worklets.example');
  await page.getByRole('navigation', { name: 'Main navigation' }).waitFor({ state: 'attached' });
  return { page, errors };
}

const mentorRows = (page: Page) => page.getByRole('table', { name: 'Mentors' }).locator('tbody tr');

async function newWorklet(title: string) {
  return admin.api.worklets.create.mutate({ title, idempotencyKey: crypto.randomUUID() });
}

describe('capacity', () => {
  it('the overview counts link to lists that show exactly them', async () => {
    const { page, errors } = await adminPage();
    const coverage = await admin.api.worklets.coverage.query();
    expect(coverage.mentorsOverCapacity).toBe(2);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Overview', exact: true }).waitFor();
    await page.mouse.move(1200, 880); // off the navigation: axe judges the page, not a hover state
    const tiles = page.getByRole('list', { name: 'Coverage' }).getByRole('listitem');
    await expect.poll(() => tiles.count()).toBe(3);
    expect(await tiles.allTextContents()).toEqual([
      expect.stringContaining(`Open worklets without a Primary mentor${coverage.needsPrimary}`),
      expect.stringContaining(`Open worklets without mentors${coverage.noMentors}`),
      expect.stringContaining('Mentors over capacity2'),
    ]);
    await checkScreen(page, 'capacity-overview');

    await page.getByRole('link', { name: 'Show mentors over capacity: 2' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('?overCapacity=1&sort=load');
    await expect.poll(() => mentorRows(page).count()).toBe(2);
    expect(await page.getByRole('checkbox', { name: 'Over capacity only' }).isChecked()).toBe(true);
    const rows = await mentorRows(page).allTextContents();
    expect(rows[0]).toMatch(/^Omar Kapoor\s*over capacity/);
    expect(rows[1]).toMatch(/^Wei Schmidt\s*over capacity/);
    await checkScreen(page, 'capacity-mentors-over');

    for (const [link, coverageParam] of [
      [`Show worklets without a Primary: ${coverage.needsPrimary}`, 'needs_primary'],
      [`Show worklets without mentors: ${coverage.noMentors}`, 'no_mentors'],
    ] as const) {
      await page.goto(`${server.url}/overview`);
      await page.getByRole('link', { name: link }).click();
      await expect.poll(() => new URL(page.url()).searchParams.get('coverage')).toBe(coverageParam);
      const list = await admin.api.worklets.list.query({ coverage: coverageParam, limit: 100 });
      expect(list.items).toHaveLength(coverageParam === 'needs_primary' ? coverage.needsPrimary : coverage.noMentors);
      const firstTitle = list.items[0]!.title;
      await page.locator('article.worklet-card').filter({ hasText: firstTitle }).first().waitFor();
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the Mentors page sorts by load, filters over capacity and shows workload by role', async () => {
    const { page, errors } = await adminPage();
    await page.goto(`${server.url}/mentors`);
    await page.getByRole('heading', { name: 'Mentors', exact: true }).waitFor();
    await expect.poll(() => mentorRows(page).count()).toBeGreaterThan(30);
    await page
      .getByRole('combobox', { name: 'Sort by' })
      .or(page.getByRole('textbox', { name: 'Sort by' }))
      .first()
      .click();
    await page.getByRole('option', { name: 'Load (most over capacity first)' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('?sort=load');
    await expect.poll(async () => (await mentorRows(page).first().textContent())?.startsWith('Omar Kapoor')).toBe(true);
    const omar = mentorRows(page).first();
    // Name, email, Primary, Secondary, Collaborator, open worklets, capacity.
    const cells = await omar.getByRole('cell').allTextContents();
    expect(cells.slice(5)).toEqual(['11', '8 (default)']);
    expect(cells.slice(2, 5).reduce((n, c) => n + Number(c), 0)).toBe(11);
    const arjun = mentorRows(page).filter({ hasText: 'Arjun Iyer' });
    expect((await arjun.getByRole('cell').allTextContents()).slice(5)).toEqual(['7', '12 (own)']);
    await checkScreen(page, 'capacity-mentors-by-load');

    await page.getByRole('checkbox', { name: 'Over capacity only' }).check();
    await expect.poll(() => mentorRows(page).count()).toBe(2);
    expect(new URL(page.url()).searchParams.get('overCapacity')).toBe('1');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the picker says each mentor’s load; saving over capacity asks, and the history says it was confirmed', async () => {
    const worklet = await newWorklet('Capacity e2e: picker over capacity');
    const { page, errors } = await adminPage();
    await page.goto(`${server.url}/worklets/${worklet.id}`);
    const picker = page.getByRole('combobox', { name: 'Assigned mentors' });
    await picker.fill('Omar');
    const option = page.getByRole('option', { name: 'Omar Kapoor · 11 of 8 · over capacity' });
    await option.waitFor();
    await checkScreen(page, 'capacity-picker');
    await option.click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Save mentors' }).click();
    const dialog = page.getByRole('dialog', { name: 'Assign over capacity?' });
    await dialog.getByText('Omar Kapoor: 12 of 8').waitFor();
    await checkScreen(page, 'capacity-confirm');
    // Cancel writes nothing and keeps the edit.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await admin.api.assignments.workletMentors.query({ workletId: worklet.id })).length).toBe(0);
    await page.getByRole('button', { name: 'Save mentors' }).click();
    await dialog.getByRole('button', { name: 'Assign anyway' }).click();
    await page.getByText('Mentors saved').waitFor();
    const history = page.getByRole('region', { name: 'History' });
    await history.getByText('Omar Kapoor assigned as Primary · over capacity, confirmed').waitFor();
    // (Mantine's notification text is lighter than the theme's contrast: judged once it has gone.)
    await page.getByText('Mentors saved').waitFor({ state: 'detached', timeout: 15_000 });
    await checkScreen(page, 'capacity-history');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the mentor page shows workload by role, edits the capacity and confirms an assign over capacity', async () => {
    const worklet = await newWorklet('Capacity e2e: assign from the mentor page');
    const wei = (await admin.api.mentors.search.query({ query: 'Wei Schmidt' }))[0]!;
    const { page, errors } = await adminPage();
    await page.goto(`${server.url}/mentors/${wei.id}`);
    const workload = page.getByRole('region', { name: 'Workload' });
    await workload.getByText('Open worklets: 9 of 8 · over capacity (program default capacity)').waitFor();

    await page
      .getByRole('textbox', { name: 'Worklet' })
      .or(page.getByRole('combobox', { name: 'Worklet' }))
      .first()
      .fill('assign from the mentor page');
    await page.getByRole('option', { name: worklet.title }).click();
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Assign over capacity?' });
    await dialog.getByText('Wei Schmidt: 10 of 8').waitFor();
    await dialog.getByRole('button', { name: 'Assign anyway' }).click();
    await page.getByText(`Wei Schmidt is now Primary on “${worklet.title}”.`).waitFor();
    await workload.getByText('Open worklets: 10 of 8 · over capacity').waitFor();

    const own = workload.getByRole('textbox', { name: 'Own capacity' });
    await own.fill('1001');
    await workload.getByRole('button', { name: 'Save' }).click();
    await workload.getByText('At most 1,000').waitFor();
    await own.fill('12');
    await workload.getByRole('button', { name: 'Save' }).click();
    await workload.getByText('Open worklets: 10 of 12 (own capacity)').waitFor();
    await page.getByText('Capacity saved').waitFor({ state: 'detached', timeout: 15_000 });
    await checkScreen(page, 'capacity-mentor-page');
    // Empty: back to the program default.
    await own.fill('');
    await workload.getByRole('button', { name: 'Save' }).click();
    await workload.getByText('Open worklets: 10 of 8 · over capacity (program default capacity)').waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('has no serious or critical axe violation at phone width, with the tables stacked', async () => {
    const { page, errors } = await adminPage(390);
    await page.goto(`${server.url}/overview`);
    await page.getByRole('heading', { name: 'Overview', exact: true }).waitFor();
    await page.getByRole('list', { name: 'Coverage' }).getByRole('listitem').first().waitFor();
    await checkScreen(page, 'capacity-overview-phone');
    await page.goto(`${server.url}/mentors?overCapacity=1&sort=load`);
    await expect.poll(() => mentorRows(page).count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await checkScreen(page, 'capacity-mentors-phone');
    await mentorRows(page).first().getByRole('link').click();
    await page.getByRole('region', { name: 'Workload' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await checkScreen(page, 'capacity-mentor-page-phone');
    await page.screenshot({ path: `${artifactsDir}capacity-mentor-page-phone-top.png` });
    expect(errors).toEqual([]);
    await page.close();
  });
});
