import { z } from 'zod';
import { boundedText, id, idempotencyKey, pageInput, searchText, text } from './common.ts';

export const userRoles = ['admin', 'mentor', 'student'] as const;
export const userRole = z.enum(userRoles);
export type UserRole = z.infer<typeof userRole>;

/** Emails are compared case-insensitively: stored trimmed and lower-case. */
export const email = text()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Enter a valid email address' }).max(254, 'At most 254 characters'));
export const personName = boundedText(120, 1, 'Enter a name');

export const createUserInput = z.strictObject({
  email,
  name: personName,
  role: userRole,
});
export type CreateUserInput = z.infer<typeof createUserInput>;

/** users.create: a new user's fields and the submission's idempotency key. */
export const createUserRequest = createUserInput.extend({ idempotencyKey });
export type CreateUserRequest = z.input<typeof createUserRequest>;

export const updateUserInput = z.strictObject({
  id,
  email: email.optional(),
  name: personName.optional(),
  role: userRole.optional(),
});
export type UpdateUserInput = z.infer<typeof updateUserInput>;

/**
 * `restoreAssignmentIds` (reactivation only): assignments ended by the user's latest
 * deactivation to restore in the same transaction (users.deactivationRestorable lists them).
 */
export const setUserActiveInput = z.strictObject({
  id,
  isActive: z.boolean(),
  restoreAssignmentIds: z.array(id).max(1_000, 'At most 1,000 assignments at once').optional(),
});

export const listUsersInput = z.strictObject({
  ...pageInput,
  search: searchText.optional(),
  role: userRole.optional(),
  includeInactive: z.boolean().default(false),
});
export type ListUsersInput = z.input<typeof listUsersInput>;

export const userIdInput = z.strictObject({ id });
