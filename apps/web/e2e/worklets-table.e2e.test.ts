/**
 * The worklets table in a real browser, on the demo program (80 worklets): switching from the
 * cards, sorting by a column, Load more with "N of M", selecting with shift-click and "every
 * matching", the view, sort and filters surviving a reload, and axe at desktop and phone width.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkScreen, signIn, watchErrors } from './browser.ts';
import { productionApp } from './production-server.ts';

const app = productionApp();

const table = (page: Page) => page.getByRole('table', { name: 'Worklets' });
const rowCheckboxes = (page: Page) => table(page).getByRole('checkbox', { name: /^Select (?!all)/ });
const shownText = (page: Page) => page.getByText(/^Showing \d+ of \d+ worklets$/);

async function titles(page: Page): Promise<string[]> {
  return table(page).locator('tbody tr td:nth-child(2)').allTextContents();
}

async function openTable(page: Page) {
  await signIn(page, app.server.url, 'admin@worklets.example');
  await page.getByRole('region', { name: 'Worklet cards' }).waitFor({ state: 'attached', timeout: 20_000 });
  await page.getByText('Table', { exact: true }).click();
  await table(page).waitFor();
}

describe('worklets table', () => {
  it('sorts, pages, selects and keeps its state in the URL', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await openTable(page);
    expect(new URL(page.url()).searchParams.get('view')).toBe('table');
    await expect.poll(() => shownText(page).textContent()).toBe('Showing 50 of 80 worklets');

    // Sort by title: the header says so (aria-sort), and the rows follow, both ways.
    const titleHeader = table(page).getByRole('columnheader', { name: 'Title' });
    await titleHeader.getByRole('button').click();
    await expect.poll(() => titleHeader.getAttribute('aria-sort')).toBe('ascending');
    await expect.poll(async () => (await titles(page))[0]).toBeTruthy();
    const up = await titles(page);
    expect(up).toEqual([...up].sort((a, b) => a.localeCompare(b)));
    await titleHeader.getByRole('button').click();
    await expect.poll(() => titleHeader.getAttribute('aria-sort')).toBe('descending');
    await expect.poll(async () => (await titles(page))[0]).not.toBe(up[0]);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('title');
    await checkScreen(page, 'table-sorted');

    // Load more: every worklet, each once.
    await page.getByRole('button', { name: 'Load more worklets' }).click();
    await expect.poll(() => shownText(page).textContent()).toBe('Showing 80 of 80 worklets');
    const all = await titles(page);
    expect(all).toHaveLength(80);
    expect(all).toEqual([...all].sort((a, b) => b.localeCompare(a)));
    expect(errors).toEqual([]);
  });

  it('selects a range with shift-click, then every matching worklet', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await openTable(page);
    await expect.poll(() => shownText(page).textContent()).toBe('Showing 50 of 80 worklets');
    const boxes = rowCheckboxes(page);
    await boxes.nth(1).click();
    await boxes.nth(5).click({ modifiers: ['Shift'] });
    const toolbar = page.getByRole('region', { name: 'Selected worklets' });
    await expect.poll(() => toolbar.getByText(/selected/).textContent()).toBe('5 selected');
    for (let i = 0; i < 8; i++) expect(await boxes.nth(i).isChecked(), `row ${i}`).toBe(i >= 1 && i <= 5);
    await checkScreen(page, 'table-range-selected');

    await table(page).getByRole('checkbox', { name: 'Select all worklets shown' }).click();
    await expect.poll(() => toolbar.getByText(/selected/).textContent()).toBe('50 selected');
    await page.getByRole('button', { name: 'Select all 80 matching' }).click();
    await expect.poll(() => toolbar.getByText(/selected/).textContent()).toMatch(/^80 selected/);
    await checkScreen(page, 'table-all-matching');

    await toolbar.getByRole('button', { name: 'Clear selection' }).click();
    await expect.poll(() => toolbar.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Select all worklets shown',
    );
  });

  it('shows a mentor their worklets in the table, without selection', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, app.server.url, 'mentor@worklets.example');
    await page.getByRole('heading', { name: 'My worklets' }).waitFor();
    await page.goto(`${app.server.url}/worklets?view=table&sort=title&order=asc`);
    await table(page).waitFor();
    await expect.poll(() => shownText(page).textContent()).toMatch(/^Showing [1-9]\d* of [1-9]\d* worklets$/);
    expect(await table(page).getByRole('checkbox').count()).toBe(0);
    expect(await page.getByText('Select all shown').count()).toBe(0);
    await checkScreen(page, 'table-mentor');
  });

  it('keeps the view, sort and filters over a reload, and works at phone width', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await openTable(page);
    await table(page).getByRole('columnheader', { name: 'Primary' }).getByRole('button').click();
    await page.getByText('Needs a Primary', { exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('coverage')).toBe('needs_primary');
    await expect.poll(() => shownText(page).textContent()).not.toBe('Showing 50 of 80 worklets');
    const before = await titles(page);
    const filtered = await shownText(page).textContent();

    await page.reload();
    await table(page).waitFor();
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({
      coverage: 'needs_primary',
      view: 'table',
      sort: 'primary',
      order: 'asc',
    });
    await expect.poll(() => shownText(page).textContent()).toBe(filtered);
    expect(await titles(page)).toEqual(before);
    expect(await table(page).getByRole('columnheader', { name: 'Primary' }).getAttribute('aria-sort')).toBe(
      'ascending',
    );

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('combobox', { name: 'Sort by' }).waitFor();
    // Stacked rows: nothing wider than the phone.
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await checkScreen(page, 'table-phone');
    await page.getByText('Select all shown').click();
    await page.getByRole('region', { name: 'Selected worklets' }).waitFor();
    await page.getByRole('combobox', { name: 'Sort by' }).click();
    await page.getByRole('option', { name: 'Title' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('title');
    await expect.poll(() => shownText(page).textContent()).toBe(filtered);
    const sorted = await titles(page);
    expect(sorted).toEqual([...sorted].sort((a, b) => a.localeCompare(b)));
    await checkScreen(page, 'table-phone-sorted');
  });
});
