/**
 * Data out and back in, as a coordinator does it: download the audit log and the
 * assignments as CSV, change one line in the spreadsheet, upload it, read the preview,
 * apply it, and undo it. axe-core and screenshots on the import screen at desktop and
 * phone width.
 */
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkScreen, signIn, watchErrors } from './browser.ts';
import { productionApp } from './production-server.ts';

const app = productionApp();

/** The page's own download of `path` (with its session cookie), as text. */
const download = (page: Page, path: string) =>
  page.evaluate(async (p) => {
    const res = await fetch(p);
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  }, path);

async function upload(page: Page, csv: string) {
  await page
    .locator('input[type="file"]')
    .setInputFiles({ name: 'assignments.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByRole('heading', { name: 'Preview' }).waitFor();
}

describe('CSV out and in', () => {
  it('downloads the audit log from its screen', async () => {
    const page = await app.browser.newPage();
    await signIn(page, app.server.url, 'admin@worklets.example');
    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    await page.goto(`${app.server.url}/audit-log`);
    const link = page.getByRole('link', { name: 'Download CSV' });
    const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(file.suggestedFilename()).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await (await file.createReadStream()).toArray();
    const [header] = parse(Buffer.concat(text).toString('utf8'), { to_line: 1 }) as string[][];
    expect(header).toEqual([
      'time',
      'event',
      'worklet_id',
      'worklet',
      'mentor',
      'mentor_email',
      'old_role',
      'new_role',
      'changed_fields',
      'by',
    ]);
    await page.close();
  });

  for (const width of [1280, 390]) {
    it(`imports a changed export, shows the preview, applies it and undoes it (${width} px)`, async () => {
      const page = await app.browser.newPage({ viewport: { width, height: 900 } });
      const errors = watchErrors(page);
      await signIn(page, app.server.url, 'admin@worklets.example');
      await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
      const exported = await download(page, '/api/export/worklets.csv?rows=assignments&status=active');
      expect(exported.status).toBe(200);
      // worklet_id,title,status,mentor,mentor_email,role,assigned_at,assigned_by -> the import's four columns.
      type Row = Record<string, string>;
      const rows = (text: string): Row[] => parse(text, { columns: true });
      const { worklet_id: workletId, mentor_email: email, role } = rows(exported.text)[0]!;
      const hasPair = (text: string) =>
        rows(text).some((r) => r.worklet_id === workletId && r.mentor_email === email && r.role === role);
      expect(hasPair(exported.text)).toBe(true);
      const csv = `worklet,mentor_email,role,active\n${workletId},${email},${role},no\n${workletId},nobody@example.test,Secondary,yes\n`;

      await page.goto(`${app.server.url}/import`);
      await page.getByRole('heading', { name: 'Import assignments' }).waitFor();
      await upload(page, csv);
      await expect.poll(() => page.getByText('1 line has errors').count()).toBe(1);
      await expect.poll(() => page.getByText('No user has the email nobody@example.test.').count()).toBe(1);
      await checkScreen(page, `import-preview-errors${width === 390 ? '-phone' : ''}`);

      await upload(page, csv.split('\n').slice(0, 2).join('\n'));
      await page.getByRole('button', { name: 'Apply 1 change' }).click();
      await page.getByRole('heading', { name: 'Imported' }).waitFor();
      await checkScreen(page, `import-applied${width === 390 ? '-phone' : ''}`);
      const after = await download(page, '/api/export/worklets.csv?rows=assignments&status=active');
      expect(hasPair(after.text)).toBe(false);

      await page.getByRole('button', { name: 'Undo: the import' }).click();
      await expect
        .poll(async () =>
          hasPair((await download(page, '/api/export/worklets.csv?rows=assignments&status=active')).text),
        )
        .toBe(true);
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
