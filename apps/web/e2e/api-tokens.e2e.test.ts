/**
 * The API tokens screen in a real browser: an admin creates a token, reads its secret once,
 * a service (this test, with fetch) calls the REST API with it, the admin revokes it and the
 * service is refused. axe at desktop and phone widths; screenshots tokens-*.png.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { accessibilityViolations, screenshot, signIn, watchErrors } from './browser.ts';
import { productionApp } from './production-server.ts';

const app = productionApp();

const callRest = (secret: string) =>
  fetch(`${app.server.url}/api/v1/worklets/1/mentors`, { headers: { authorization: `Bearer ${secret}` } });

async function openTokens(page: Page) {
  await signIn(page, app.server.url, 'admin@worklets.example');
  await page.getByRole('link', { name: 'API tokens' }).first().waitFor();
  await page.goto(`${app.server.url}/api-tokens`);
  await page.getByRole('heading', { name: 'API tokens' }).waitFor();
}

async function createToken(page: Page, name: string): Promise<string> {
  await page.getByRole('button', { name: 'New token' }).click();
  const form = page.getByRole('dialog', { name: 'New API token' });
  await form.getByRole('textbox', { name: 'Name' }).fill(name);
  await form.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByRole('dialog', { name: `Token “${name}” created` });
  await shown.waitFor();
  const secret = ((await shown.getByTestId('api-token-secret').textContent()) ?? '').trim();
  expect(secret).toMatch(/^wkt_[A-Za-z0-9_-]{43}$/);
  return secret;
}

describe('API tokens', () => {
  it('creates a token, the REST API accepts it, revoking it makes the API refuse it', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await openTokens(page);
    await screenshot(page, 'tokens-empty');

    // A bad input shows next to its field.
    await page.getByRole('button', { name: 'New token' }).click();
    const form = page.getByRole('dialog', { name: 'New API token' });
    await form.getByRole('button', { name: 'Create token' }).click();
    await expect.poll(() => form.getByText('Enter a name').isVisible()).toBe(true);
    await form.getByRole('button', { name: 'Cancel' }).click();

    const secret = await createToken(page, 'Python reporting service');
    await screenshot(page, 'tokens-secret');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Done' }).click();

    const ok = await callRest(secret);
    expect(ok.status).toBe(200);
    expect(Array.isArray(await ok.json())).toBe(true);

    await page.reload();
    const row = page.getByRole('row').filter({ hasText: 'Python reporting service' });
    await expect.poll(() => row.getByText('never').count()).toBe(0);
    await screenshot(page, 'tokens-list');
    expect(await accessibilityViolations(page)).toEqual([]);

    await row.getByRole('button', { name: 'Revoke Python reporting service' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke “Python reporting service”?' });
    await screenshot(page, 'tokens-revoke');
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    await expect.poll(() => row.getByText('revoked').isVisible()).toBe(true);
    // Focus goes back to where the admin started.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('New token');
    expect((await callRest(secret)).status).toBe(401);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('stacks the table at 390 px with every action reachable', async () => {
    const page = await app.browser.newPage({ viewport: { width: 390, height: 844 } });
    await openTokens(page);
    await createToken(page, 'Phone check');
    await page.getByRole('button', { name: 'Done' }).click();
    const revoke = page.getByRole('button', { name: 'Revoke Phone check' });
    await revoke.waitFor();
    expect(await revoke.isVisible()).toBe(true);
    const box = await revoke.boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(page, 'tokens-phone');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.close();
  });
});
