import { describe, expect, it } from 'vitest';
import { newPassword } from '../src/passwords.ts';

const messages = (password: string) =>
  newPassword.safeParse(password).error?.issues.map((issue) => issue.message) ?? [];

describe('password policy', () => {
  it('needs 12 to 128 characters', () => {
    expect(messages('eleven char')).toEqual(['At least 12 characters']);
    expect(messages('twelve chars')).toEqual([]);
    expect(messages('x'.repeat(129))).toEqual(['At most 128 characters']);
  });

  it('refuses common passwords from the shipped list, in any case', () => {
    expect(messages('qwerty123456')).toEqual(['This password is too common: choose another']);
    expect(messages('QAZWSXEDCRFV')).toEqual(['This password is too common: choose another']);
    expect(messages('correct horse battery staple 7')).toEqual([]);
  });
});
