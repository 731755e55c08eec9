import { Prisma } from '@worklets/db';

const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');

/**
 * Case-insensitive "contains" for text typed by people. Prisma passes `%` and `_` through
 * to LIKE as wildcards (prisma/prisma#19506), so they are escaped: "100%" finds "100%".
 */
export function containsText(text: string) {
  return { contains: escapeLike(text), mode: 'insensitive' as const };
}

/** The one people search (user lists, mentor lists and the picker): name or email contains `text`. */
export function nameOrEmailContains(text: string | undefined): Prisma.UserWhereInput {
  if (!text) return {};
  return { OR: [{ name: containsText(text) }, { email: containsText(text) }] };
}

/** The same search in raw SQL, on a users row named `alias` (for queries Prisma cannot express). */
export function nameOrEmailContainsSql(text: string | undefined, alias: string): Prisma.Sql {
  if (!text) return Prisma.sql`true`;
  const pattern = `%${escapeLike(text)}%`;
  const t = Prisma.raw(alias);
  return Prisma.sql`(${t}.name ILIKE ${pattern} OR ${t}.email ILIKE ${pattern})`;
}
