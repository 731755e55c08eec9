/**
 * Bulk changes from the worklets table, as a coordinator does them: select worklets with
 * shift-click, add a mentor who is over capacity (the explicit override), read the result per
 * worklet, and undo the whole change in one click. axe and screenshots at 1280 and 390 px.
 */
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkScreen, signIn, watchErrors } from './browser.ts';
import { productionApp } from './production-server.ts';

const app = productionApp();

const table = (page: Page) => page.getByRole('table', { name: 'Worklets' });

/** Omar Kapoor's open worklets, as the Mentors export counts them. */
const omarLoad = async (page: Page) => {
  const text = await page.evaluate(async () => (await fetch('/api/export/mentors.csv?search=Omar%20Kapoor')).text());
  const [omar] = parse(text, { columns: true }) as Record<string, string>[];
  return Number(omar!.open_worklets);
};

describe('bulk changes', () => {
  for (const width of [1280, 390]) {
    it(`adds a mentor over capacity to selected worklets, then undoes it (${width} px)`, async () => {
      const suffix = width === 390 ? '-phone' : '';
      const page = await app.browser.newPage({ viewport: { width, height: 900 } });
      const errors = watchErrors(page);
      await signIn(page, app.server.url, 'admin@worklets.example');
      await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
      await page.goto(`${app.server.url}/worklets?view=table&status=draft`);
      await table(page).waitFor();
      const before = await omarLoad(page);

      const boxes = table(page).getByRole('checkbox', { name: /^Select (?!all)/ });
      await boxes.nth(0).click();
      await boxes.nth(2).click({ modifiers: ['Shift'] });
      const actions = page.getByRole('group', { name: 'Bulk actions' });
      await page.getByRole('region', { name: 'Selected worklets' }).getByText('3 selected').waitFor();
      await actions.getByRole('button', { name: 'Add mentor…' }).click();

      const dialog = page.getByRole('dialog', { name: 'Add a mentor (3 worklets)' });
      await dialog.getByRole('combobox', { name: 'Mentor' }).fill('Omar Kap');
      await page.getByRole('option', { name: /^Omar Kapoor · \d+ of 8 · over capacity$/ }).click();
      await dialog.getByRole('combobox', { name: 'Role' }).selectOption('Collaborator');
      await checkScreen(page, `bulk-add-mentor${suffix}`);
      await dialog.getByRole('button', { name: 'Add a mentor' }).click();

      const confirm = page.getByRole('dialog', { name: 'Assign over capacity?' });
      await confirm.getByText(`Omar Kapoor: ${before + 3} of 8`).waitFor();
      await checkScreen(page, `bulk-over-capacity${suffix}`);
      await confirm.getByRole('button', { name: 'Assign anyway' }).click();

      const results = page.getByRole('dialog', { name: 'Add a mentor' });
      await results.getByRole('status').filter({ hasText: '3 worklets changed, 0 skipped.' }).waitFor();
      await checkScreen(page, `bulk-results${suffix}`);
      expect(await omarLoad(page)).toBe(before + 3);

      await results.getByRole('button', { name: 'Undo: Add a mentor' }).click();
      await expect.poll(() => omarLoad(page)).toBe(before);
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
