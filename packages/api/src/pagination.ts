/**
 * Keyset pages: a query asks for `limit + 1` rows; the extra row only says that there is a
 * next page, which continues after the id of the last row shown.
 */
export function toPage<Row extends { id: number }, Item>(rows: Row[], limit: number, map: (row: Row) => Item) {
  const shown = rows.slice(0, limit);
  return { items: shown.map(map), nextCursor: rows.length > limit ? (shown.at(-1)?.id ?? null) : null };
}
