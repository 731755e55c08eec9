/**
 * Undo in a real browser: a save's toast offers Undo, which reverts the save; a refused undo
 * lists what changed since; reactivating a mentor offers to restore the assignments their
 * deactivation ended. Screenshots `undo-*.png` in apps/web/e2e-artifacts/, axe at 1280 and 390 px.
 */
import { connectWorklets, type WorkletsClient } from '@worklets/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkScreen, launchBrowser, signIn, watchErrors } from './browser.ts';
import { type RunningServer, startProductionServer } from './production-server.ts';

let server: RunningServer;
let browser: Browser;
let admin: WorkletsClient;
let mentor: { id: number; name: string };

beforeAll(async () => {
  server = await startProductionServer();
  browser = await launchBrowser();
  admin = await connectWorklets({ baseUrl: server.url, email: 'admin@worklets.example', password: 'worklets-demo' });
  const found = await admin.api.mentors.search.query({ query: '', limit: 10 });
  mentor = found.find((m) => m.email !== 'mentor@worklets.example')!;
}, 180_000);

afterAll(async () => {
  await admin?.signOut();
  await browser?.close();
  await server?.stop();
});

async function newWorklet(title: string) {
  return admin.api.worklets.create.mutate({ title, idempotencyKey: crypto.randomUUID(), status: 'active' });
}

async function addMentorAndSave(page: Page) {
  const picker = page.getByRole('combobox', { name: 'Assigned mentors' });
  await picker.fill(mentor.name);
  await page.getByRole('option', { name: mentor.name }).first().click();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Save mentors' }).click();
}

/** Toasts slide in: screenshots and axe wait until they are in place. */
async function settled(page: Page) {
  await page.waitForTimeout(800);
}

describe('undo', () => {
  for (const width of [1280, 390]) {
    it(`reverts a save from its toast (${width} px)`, async () => {
      const w = await newWorklet(`Undo from the toast ${width} (e2e)`);
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      const errors = watchErrors(page);
      await signIn(page, server.url, 'admin@worklets.example');
      await page.getByRole('heading', { name: 'Worklets', exact: true }).waitFor();
      await page.goto(`${server.url}/worklets/${w.id}`);
      await page.getByRole('heading', { name: w.title }).waitFor();
      await addMentorAndSave(page);
      const toast = page.getByRole('alert').filter({ hasText: 'Mentors saved' });
      const undo = toast.getByRole('button', { name: 'Undo: Mentors saved' });
      await undo.waitFor();
      await page.getByRole('combobox', { name: `Role of ${mentor.name}` }).waitFor();
      await settled(page);
      await checkScreen(page, `undo-toast-${width}`);

      await undo.click();
      await page.getByText('The change was reverted.').waitFor();
      await expect
        .poll(() => page.getByRole('combobox', { name: `Role of ${mentor.name}` }).count(), { timeout: 10_000 })
        .toBe(0);
      await settled(page);
      const mentors = await admin.api.assignments.workletMentors.query({ workletId: w.id });
      expect(mentors).toEqual([]);
      await checkScreen(page, `undo-done-${width}`);
      expect(errors, errors.join('\n')).toEqual([]);
      await page.close();
    });
  }

  it('lists what changed since when the undo is refused', async () => {
    const w = await newWorklet('Undo refused (e2e)');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, server.url, 'admin@worklets.example');
    await page.getByRole('heading', { name: 'Worklets', exact: true }).waitFor();
    await page.goto(`${server.url}/worklets/${w.id}`);
    await page.getByRole('heading', { name: w.title }).waitFor();
    await addMentorAndSave(page);
    const undo = page.getByRole('alert').getByRole('button', { name: 'Undo: Mentors saved' });
    await undo.waitFor();
    // Someone else edits the worklet meanwhile.
    await admin.api.worklets.update.mutate({ id: w.id, expectedVersion: 2, description: 'Edited elsewhere' });
    await undo.click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Not undone' });
    await refusal.getByText(/“Undo refused \(e2e\)” changed since: its description was edited by/).waitFor();
    await settled(page);
    await checkScreen(page, 'undo-refused-1280');
    await page.close();
  });

  it('reactivating a mentor offers to restore the assignments the deactivation ended', async () => {
    const { user: person } = await admin.api.users.create.mutate({
      email: `restore.${Date.now()}@example.test`,
      name: 'Rita Restore',
      role: 'mentor',
      idempotencyKey: crypto.randomUUID(),
    });
    const [w1, w2] = [await newWorklet('Restore one (e2e)'), await newWorklet('Restore two (e2e)')];
    await admin.api.assignments.assign.mutate({ workletId: w1.id, mentorId: person.id, role: 'Primary' });
    await admin.api.assignments.assign.mutate({ workletId: w2.id, mentorId: person.id, role: 'Secondary' });
    await admin.api.users.setActive.mutate({ id: person.id, isActive: false });
    await admin.api.worklets.archive.mutate({ workletId: w2.id });

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, server.url, 'admin@worklets.example');
    await page.getByRole('heading', { name: 'Worklets', exact: true }).waitFor();
    await page.goto(`${server.url}/users`);
    await page.getByLabel('Search users').fill('Rita Restore');
    await page.getByRole('checkbox', { name: 'Show deactivated' }).check();
    await page.getByRole('button', { name: 'Reactivate Rita Restore' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reactivate Rita Restore?' });
    const one = dialog.getByRole('checkbox', { name: 'Restore one (e2e) (Primary)' });
    await one.waitFor();
    expect(await one.isChecked()).toBe(true);
    const two = dialog.getByRole('checkbox', { name: 'Restore two (e2e) (Secondary)' });
    expect(await two.isDisabled()).toBe(true);
    await checkScreen(page, 'undo-reactivate-restore-1280');
    await dialog.getByRole('button', { name: 'Reactivate Rita Restore' }).click();
    await page.getByText(/Rita Restore can sign in again; 1 assignment restored/).waitFor();
    const mentors = await admin.api.assignments.workletMentors.query({ workletId: w1.id });
    expect(mentors.map((m) => [m.name, m.role])).toEqual([['Rita Restore', 'Primary']]);
    await page.close();
  });
});
