import { z } from 'zod';
import { boundedText, id } from './common.ts';

/** What an API token may do: `read` (GET operations) or `read_write` (writes too). */
export const apiTokenScopes = ['read', 'read_write'] as const;
export const apiTokenScope = z.enum(apiTokenScopes);
export type ApiTokenScope = z.infer<typeof apiTokenScope>;

/** The longest a token can live; services rotate tokens at least once a year. */
export const maxApiTokenDays = 365;

/** apiTokens.create: an admin names a token for a service, picks its scope and lifetime. */
export const createApiTokenInput = z.strictObject({
  name: boundedText(100, 1, 'Enter a name'),
  scope: apiTokenScope,
  expiresInDays: z
    .number({ message: 'Enter a number of days' })
    .int('Enter a whole number of days')
    .min(1, 'At least 1 day')
    .max(maxApiTokenDays, `At most ${maxApiTokenDays} days`),
});
export type CreateApiTokenInput = z.input<typeof createApiTokenInput>;

export const apiTokenIdInput = z.strictObject({ id });
