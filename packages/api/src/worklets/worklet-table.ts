/**
 * The worklets table: one page sorted by a column, in one SQL statement whatever its size,
 * plus one on the first page: the count of all matching rows (later pages return `total`
 * null: the client keeps the first page's, and a page further on costs no more than a card
 * page). Pages are keyset pages on (sort key, id),
 * each read in order from an index (see the @@index lines of Worklet and User):
 *   title, status, mentors (active_mentors), updated (updated_at): worklets(key, id);
 *   primary: users(name, id) joined to worklets(mentor_id, id), ties by mentor then worklet
 *   id; worklets without a Primary come after all names going up, before them going down
 *   (PostgreSQL's NULLS LAST / FIRST), from worklets(mentor_id, id) with mentor_id IS NULL.
 * The cursor is opaque to clients: base64url JSON of the sort, the order and the last row's
 * position; a cursor that does not decode, or belongs to another sort, is a BAD_REQUEST.
 */
import { Prisma, type PrismaClient, queryRead } from '@worklets/db';
import { text } from '@worklets/validators/common';
import type { WorkletSort, WorkletStatus, WorkletTableInput } from '@worklets/validators/worklets';
import { workletStatus } from '@worklets/validators/worklets';
import { z } from 'zod';
import type { SessionUser } from '../context.ts';
import { badRequest } from '../errors.ts';
import { workletFilterSql } from './worklet-filter-sql.ts';

type TableInput = Omit<WorkletTableInput, 'limit' | 'sort' | 'order'> & {
  limit: number;
  sort: WorkletSort;
  order: 'asc' | 'desc';
};

type Row = {
  part: number;
  id: number;
  title: string;
  status: WorkletStatus;
  version: number;
  updated_at: Date;
  active_mentors: number;
  mentor_id: number | null;
  primary_name: string | null;
};

/** The column each sort reads, on the page's rows (`p`) and on `worklets` (`w`). */
const sortColumns = {
  title: 'title',
  status: 'status',
  mentors: 'active_mentors',
  updated: 'updated_at',
} as const;

type ColumnSort = keyof typeof sortColumns;

const cursorKeys = {
  title: text().max(5_000),
  status: workletStatus,
  mentors: z.number().int().min(0),
  updated: z.iso.datetime(),
  primary: z.tuple([text().max(5_000), z.number().int().positive()]).nullable(),
} satisfies Record<WorkletSort, z.ZodType>;

const cursorShape = z.tuple([z.string(), z.enum(['asc', 'desc']), z.unknown(), z.number().int().positive()]);

function sortKey(sort: WorkletSort, row: Row): unknown {
  if (sort === 'primary') return row.mentor_id === null ? null : [row.primary_name, row.mentor_id];
  if (sort === 'updated') return row.updated_at.toISOString();
  if (sort === 'mentors') return row.active_mentors;
  return row[sort];
}

function encodeCursor(input: TableInput, row: Row): string {
  return Buffer.from(JSON.stringify([input.sort, input.order, sortKey(input.sort, row), row.id])).toString('base64url');
}

type Cursor = { key: unknown; id: number };

function decodeCursor(input: TableInput): Cursor | null {
  if (!input.cursor) return null;
  const stale = () => badRequest('This page of the table is out of date: reload the list and try again');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(input.cursor, 'base64url').toString('utf8'));
  } catch {
    throw stale();
  }
  const shape = cursorShape.safeParse(parsed);
  if (!shape.success || shape.data[0] !== input.sort || shape.data[1] !== input.order) throw stale();
  const key = cursorKeys[input.sort].safeParse(shape.data[2]);
  if (!key.success) throw stale();
  return { key: key.data, id: shape.data[3] };
}

const pageColumns = Prisma.sql`w.id, w.title, w.version, w.updated_at, w.active_mentors, w.mentor_id`;

function keyValue(sort: ColumnSort, key: unknown): Prisma.Sql {
  if (sort === 'status') return Prisma.sql`${key}::worklet_status`;
  if (sort === 'updated') return Prisma.sql`${key}::timestamptz`;
  return Prisma.sql`${key}`;
}

/** Sorted by a column of worklets: the page from its (key, id) index, then each row's Primary's name. */
function columnPageSql(input: TableInput & { sort: ColumnSort }, filters: Prisma.Sql, cursor: Cursor | null) {
  const column = Prisma.raw(sortColumns[input.sort]);
  const dir = Prisma.raw(input.order);
  const cmp = Prisma.raw(input.order === 'asc' ? '>' : '<');
  const after = cursor
    ? Prisma.sql`AND (w.${column}, w.id) ${cmp} (${keyValue(input.sort, cursor.key)}, ${cursor.id})`
    : Prisma.empty;
  // The Primary's name by primary key for each row of the page (a join lets the planner merge
  // with a scan of all users instead).
  return Prisma.sql`
    SELECT 0 AS part, p.id, p.title, p.version, p.updated_at, p.active_mentors, p.mentor_id,
      p.status::text AS status, (SELECT u.name FROM users u WHERE u.id = p.mentor_id) AS primary_name FROM (
      SELECT ${pageColumns}, w.status FROM worklets w WHERE ${filters} ${after}
      ORDER BY w.${column} ${dir}, w.id ${dir} LIMIT ${input.limit + 1}
    ) p
    ORDER BY p.${column} ${dir}, p.id ${dir}`;
}

/**
 * Sorted by the Primary's name: two ordered, limited branches (named, then none going up;
 * none, then named going down), only those at or after the cursor.
 */
function primaryPageSql(input: TableInput, filters: Prisma.Sql, cursor: Cursor | null) {
  const up = input.order === 'asc';
  const dir = Prisma.raw(input.order);
  const cmp = Prisma.raw(up ? '>' : '<');
  const limit = input.limit + 1;
  const key = cursor?.key as [string, number] | null | undefined;
  const namedPart = up ? 0 : 1;
  const named =
    up && cursor && key === null
      ? null // going up, the cursor is past the named worklets
      : Prisma.sql`(SELECT ${Prisma.raw(String(namedPart))} AS part, ${pageColumns}, w.status::text AS status, u.name AS primary_name
        FROM worklets w JOIN users u ON u.id = w.mentor_id
        WHERE ${filters} ${
          key
            ? Prisma.sql`AND u.name ${cmp}= ${key[0]} AND (u.name, w.mentor_id, w.id) ${cmp} (${key[0]}, ${key[1]}, ${cursor?.id})`
            : Prisma.empty
        }
        ORDER BY u.name ${dir}, w.mentor_id ${dir}, w.id ${dir} LIMIT ${limit})`;
  const none =
    cursor && key !== null && !up
      ? null // going down, the cursor is past the worklets without a Primary
      : Prisma.sql`(SELECT ${Prisma.raw(String(1 - namedPart))} AS part, ${pageColumns}, w.status::text AS status, NULL::text AS primary_name
        FROM worklets w WHERE w.mentor_id IS NULL AND ${filters}
        ${cursor && key === null ? Prisma.sql`AND w.id ${cmp} ${cursor.id}` : Prisma.empty}
        ORDER BY w.id ${dir} LIMIT ${limit})`;
  const branches = [named, none].filter((b): b is Prisma.Sql => b !== null);
  return Prisma.sql`SELECT * FROM (${Prisma.join(branches, ' UNION ALL ')}) t
    ORDER BY part, primary_name ${dir}, mentor_id ${dir}, id ${dir} LIMIT ${limit}`;
}

function toTableRow(row: Row) {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    version: row.version,
    updatedAt: row.updated_at,
    mentorCount: row.active_mentors,
    primary: row.mentor_id === null ? null : { id: row.mentor_id, name: row.primary_name ?? '' },
  };
}

export async function workletTable(db: PrismaClient, user: SessionUser, input: TableInput) {
  const cursor = decodeCursor(input);
  const filters = workletFilterSql(user, input);
  const page =
    input.sort === 'primary'
      ? primaryPageSql(input, filters, cursor)
      : columnPageSql({ ...input, sort: input.sort }, filters, cursor);
  const [rows, counted] = await Promise.all([
    queryRead<Row>(db, page),
    cursor
      ? null
      : queryRead<{ total: number }>(db, Prisma.sql`SELECT count(*)::int AS total FROM worklets w WHERE ${filters}`),
  ]);
  const shown = rows.slice(0, input.limit);
  const last = shown.at(-1);
  return {
    items: shown.map(toTableRow),
    nextCursor: rows.length > input.limit && last ? encodeCursor(input, last) : null,
    total: counted ? (counted[0]?.total ?? 0) : null,
  };
}
