/**
 * The password policy (NIST SP 800-63B: length, and not a known common password; no rules
 * about character classes). The common passwords are zxcvbn-ts's list, shipped inside the
 * package, so the check works offline, in the browser and on the server alike. The list is
 * loaded on first use (a dynamic import: the web app fetches it only on the pages that set a
 * password), so schemas with `newPassword` are parsed asynchronously (`safeParseAsync`;
 * tRPC does so).
 */
import { z } from 'zod';
import { text } from './common.ts';
import { email, personName } from './users.ts';

export const passwordMinLength = 12;
export const passwordMaxLength = 128;

let common: Promise<Set<string>> | null = null;

/** Whether `password` (compared case-insensitively) is on the list of common passwords. */
async function isCommonPassword(password: string): Promise<boolean> {
  common ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) =>
      new Set(dictionary['passwords-common'].filter((p) => p.length >= passwordMinLength).map((p) => p.toLowerCase())),
  );
  return (await common).has(password.toLowerCase());
}

/** A new password: not trimmed (spaces are characters too). */
export const newPassword = text()
  .min(passwordMinLength, `At least ${passwordMinLength} characters`)
  .max(passwordMaxLength, `At most ${passwordMaxLength} characters`)
  .refine(async (password) => !(await isCommonPassword(password)), 'This password is too common: choose another');

/** POST /api/account/accept: the secret of the link and the new password (a first admin also gives name and email). */
export const acceptAccountLinkInput = z.strictObject({
  token: z.string().max(200),
  password: newPassword,
  name: personName.optional(),
  email: email.optional(),
});

export const changePasswordInput = z.strictObject({
  currentPassword: z.string().min(1, 'Enter your current password').max(passwordMaxLength),
  newPassword,
});

export const forgotPasswordInput = z.strictObject({ email });

export const sessionIdInput = z.strictObject({ id: z.number().int().positive().max(2_147_483_647) });
