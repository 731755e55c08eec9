import { describe, expect, it } from 'vitest';
import { newPassword } from '../src/passwords.ts';

const messages = async (password: string) =>
  (await newPassword.safeParseAsync(password)).error?.issues.map((issue) => issue.message) ?? [];

describe('password policy', () => {
  it('needs 12 to 128 characters', async () => {
    expect(await messages('eleven char')).toEqual(['At least 12 characters']);
    expect(await messages('twelve chars')).toEqual([]);
    expect(await messages('x'.repeat(129))).toEqual(['At most 128 characters']);
  });

  it('refuses common passwords from the shipped list, in any case', async () => {
    expect(await messages('qwerty123456')).toEqual(['This password is too common: choose another']);
    expect(await messages('QAZWSXEDCRFV')).toEqual(['This password is too common: choose another']);
    expect(await messages('correct horse battery staple 7')).toEqual([]);
  });
});
