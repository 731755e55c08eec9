/**
 * Case-insensitive "contains" for text typed by people. Prisma passes `%` and `_` through
 * to LIKE as wildcards (prisma/prisma#19506), so they are escaped: "100%" finds "100%".
 */
export function containsText(text: string) {
  return { contains: text.replace(/[\\%_]/g, '\\$&'), mode: 'insensitive' as const };
}
