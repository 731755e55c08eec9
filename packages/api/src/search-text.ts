import type { Prisma } from '@worklets/db';

/**
 * Case-insensitive "contains" for text typed by people. Prisma passes `%` and `_` through
 * to LIKE as wildcards (prisma/prisma#19506), so they are escaped: "100%" finds "100%".
 */
export function containsText(text: string) {
  return { contains: text.replace(/[\\%_]/g, '\\$&'), mode: 'insensitive' as const };
}

/** The one people search (user lists, mentor lists and the picker): name or email contains `text`. */
export function nameOrEmailContains(text: string | undefined): Prisma.UserWhereInput {
  if (!text) return {};
  return { OR: [{ name: containsText(text) }, { email: containsText(text) }] };
}
