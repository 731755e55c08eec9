/**
 * The BASELINE of the benchmark: the least a server can do to answer the same requests.
 * `node:http` + a `pg` Pool + the hand-written SQL below, no framework, no ORM,
 * no validation library. It serves the benchmarked procedures on the same URL shapes as
 * the Worklets tRPC API (so the load generators are shared) and answers with the same
 * JSON (the tRPC + superjson envelope, same fields, same order):
 *
 *   GET  /api/trpc/assignments.workletMentors?input={"json":{"workletId":1}}
 *   GET  /api/trpc/assignments.mentorWorklets?input={"json":{"mentorId":6}}
 *   GET  /api/trpc/worklets.list?input={"json":{"limit":50,...}}
 *   POST /api/trpc/assignments.assign   body {"json":{"workletId":1,"mentorId":6,"role"?:"Secondary"}}
 *   GET  /__stats   {"requests": n, "statements": n} since start (statements per request)
 *
 * NO AUTHENTICATION: every request is served as an admin (no session lookup, no Origin
 * check, no rate limit). The Worklets server pays for those on every request; the
 * benchmark reports the session lookup's statements separately.
 *
 * Environment: DATABASE_URL (required), PORT (0), HOST (127.0.0.1), WORKLETS_DB_POOL_SIZE (10),
 * BENCH_ACTOR_ID / BENCH_ACTOR_NAME (the user recorded as actor of assignments, default none).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';

// --- SQL: each read is one statement (plus an existence check when it finds nothing), a card page two.

/** A worklet's active mentors, Primary first, oldest first within a role. */
const workletMentorsSql = `
  SELECT a.id AS "assignmentId", a.mentor_id AS "mentorId", u.name, u.email, a.role_type AS role, a.assigned_at AS "assignedAt"
  FROM mentor_worklet_assignments a JOIN users u ON u.id = a.mentor_id
  WHERE a.worklet_id = $1 AND a.is_active ORDER BY a.role_type, a.assigned_at, a.id`;

const workletExistsSql = 'SELECT 1 FROM worklets WHERE id = $1';

/** A mentor's active worklets with their role on each: by role, newest worklet first. */
const mentorWorkletsSql = `
  SELECT a.id AS "assignmentId", a.role_type AS role, a.assigned_at AS "assignedAt", w.id AS "workletId", w.title, w.status
  FROM mentor_worklet_assignments a JOIN worklets w ON w.id = a.worklet_id
  WHERE a.mentor_id = $1 AND a.is_active ORDER BY a.role_type, a.worklet_id DESC`;

const userExistsSql = 'SELECT 1 FROM users WHERE id = $1';

/** The table by last change, newest first, keyset on (updated_at, id), each row with its Primary. */
const tablePageSql = `
  SELECT w.id, w.title, w.status, w.version, w.updated_at AS "updatedAt", w.active_mentors AS "mentorCount",
    CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id, 'name', u.name) END AS "primary"
  FROM (SELECT * FROM worklets WHERE $1::timestamptz IS NULL OR (updated_at, id) < ($1, $2)
        ORDER BY updated_at DESC, id DESC LIMIT $3) w
  LEFT JOIN users u ON u.id = w.mentor_id ORDER BY w.updated_at DESC, w.id DESC`;

type CardFilters = {
  status?: string | undefined;
  mentorId?: number | undefined;
  search?: string | undefined;
  coverage?: 'all' | 'needs_primary' | 'no_mentors' | undefined;
  cursor?: number | null | undefined;
};

/** The card page query (limit + 1 rows, newest first) for the given filters. */
function cardPageQuery(filters: CardFilters, limit: number): { text: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (filters.status) where.push(`w.status = ${param(filters.status)}::worklet_status`);
  if (filters.mentorId) {
    where.push(
      `w.id IN (SELECT m.worklet_id FROM mentor_worklet_assignments m WHERE m.mentor_id = ${param(filters.mentorId)} AND m.is_active)`,
    );
  }
  if (filters.search) where.push(`w.title ILIKE ${param(`%${filters.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
  // Coverage counts open worklets only, as the API does; needs_primary also means no active Primary.
  if (filters.coverage && filters.coverage !== 'all') {
    const primary = filters.coverage === 'needs_primary' ? ` AND p.role_type = 'Primary'` : '';
    where.push(`w.status IN ('draft', 'active')`);
    where.push(
      `NOT EXISTS (SELECT 1 FROM mentor_worklet_assignments p WHERE p.worklet_id = w.id AND p.is_active${primary})`,
    );
  }
  if (filters.cursor) where.push(`w.id < ${param(filters.cursor)}`);
  const text = `
  SELECT w.id, w.title, w.description, w.status, w.version, w.updated_at AS "updatedAt"
  FROM worklets w
  ${where.length ? `WHERE ${where.join('\n    AND ')}` : ''}
  ORDER BY w.id DESC
  LIMIT ${param(limit + 1)}`;
  return { text, values };
}

/** The active mentors of the worklets of one card page, in one statement. */
const cardMentorsSql = `
  SELECT a.worklet_id AS "workletId", a.id AS "assignmentId", a.mentor_id AS "mentorId", u.name, u.email,
         a.role_type AS role, a.assigned_at AS "assignedAt"
  FROM mentor_worklet_assignments a JOIN users u ON u.id = a.mentor_id
  WHERE a.worklet_id = ANY($1::int[]) AND a.is_active ORDER BY a.worklet_id, a.role_type, a.assigned_at, a.id`;

// --- assign: one transaction, the worklet row locked first (same rules as the API) ---

const lockWorkletSql = 'SELECT id, title, status FROM worklets WHERE id = $1 FOR UPDATE';

const workletAssignmentsSql = `
  SELECT a.id, a.mentor_id AS "mentorId", a.role_type AS "roleType", a.is_active AS "isActive", u.name, u.email
  FROM mentor_worklet_assignments a JOIN users u ON u.id = a.mentor_id WHERE a.worklet_id = $1 ORDER BY a.id`;

/** FOR SHARE: a concurrent deactivation or role change of the mentor waits (as in the API). */
const mentorForAssignSql = 'SELECT id, name, email, role, is_active AS "isActive" FROM users WHERE id = $1 FOR SHARE';

const insertAssignmentSql = `
  INSERT INTO mentor_worklet_assignments (mentor_id, worklet_id, role_type, is_active, assigned_by)
  VALUES ($1, $2, $3::role_type, true, $4) RETURNING id`;

const reactivateAssignmentSql = `
  UPDATE mentor_worklet_assignments SET is_active = true, role_type = $2::role_type, assigned_at = now(), assigned_by = $3
  WHERE id = $1`;

/** One statement for all events of the change (unnest of parallel arrays). */
const insertEventsSql = `
  INSERT INTO assignment_events (assignment_id, worklet_id, mentor_id, mentor_name, mentor_email, actor_id, actor_name,
                                 type, old_role, new_role, worklet_version)
  SELECT *, $11::int FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::text[], $6::int[], $7::text[],
                       $8::assignment_event_type[], $9::role_type[], $10::role_type[])`;

/** The legacy column and the worklet's version, as the API's one SQL for a changed worklet does. */
const workletChangedSql = `
  UPDATE worklets SET version = version + 1, mentor_id = (SELECT mentor_id FROM mentor_worklet_assignments
    WHERE worklet_id = $1 AND role_type = 'Primary' AND is_active)
  WHERE id = $1 RETURNING version`;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** tRPC's JSON-RPC codes of the errors the baseline sends (others: -32603). */
const trpcCodes: Record<string, number> = { BAD_REQUEST: -32600, NOT_FOUND: -32004, CONFLICT: -32009 };

function send(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The superjson envelope of a result: `meta` names the Date fields, like superjson does. */
function result(json: unknown, datePaths: string[]): string {
  const data: { json: unknown; meta?: unknown } = { json };
  if (datePaths.length) data.meta = { values: Object.fromEntries(datePaths.map((p) => [p, ['Date']])), v: 1 };
  return JSON.stringify({ result: { data } });
}

function errorBody(error: HttpError, path: string): string {
  const data = { code: error.code, httpStatus: error.status, path };
  return JSON.stringify({ error: { json: { message: error.message, code: trpcCodes[error.code] ?? -32603, data } } });
}

const badRequest = (message: string) => new HttpError(400, 'BAD_REQUEST', message);
const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', `${what} not found`);
const conflict = (message: string) => new HttpError(409, 'CONFLICT', message);

function id(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 2_147_483_647)
    throw badRequest(`${name} must be an id`);
  return value;
}

const roles = new Set(['Primary', 'Secondary', 'Collaborator']);
const statuses = new Set(['draft', 'active', 'completed', 'archived']);

type MentorJson = {
  assignmentId: number;
  mentorId: number;
  name: string;
  email: string;
  role: string;
  assignedAt: Date;
};

/** Counts every statement the pool's connections send (GET /__stats reports it, for statements per request). */
function countStatements(pool: pg.Pool): { statements: number } {
  const stats = { statements: 0 };
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      stats.statements++;
      return query(...args);
    };
  });
  return stats;
}

function createBaseline(pool: pg.Pool, actor: { id: number | null; name: string | null }, stats = { statements: 0 }) {
  let requests = 0;
  async function workletMentors(input: Record<string, unknown>) {
    const workletId = id(input.workletId, 'workletId');
    const { rows } = await pool.query<MentorJson>(workletMentorsSql, [workletId]);
    if (rows.length === 0 && (await pool.query(workletExistsSql, [workletId])).rowCount === 0)
      throw notFound('Worklet');
    return result(
      rows,
      rows.map((_, i) => `${i}.assignedAt`),
    );
  }

  async function mentorWorklets(input: Record<string, unknown>) {
    const mentorId = id(input.mentorId, 'mentorId');
    const { rows } = await pool.query(mentorWorkletsSql, [mentorId]);
    if (rows.length === 0 && (await pool.query(userExistsSql, [mentorId])).rowCount === 0) throw notFound('Mentor');
    return result(
      rows,
      rows.map((_, i) => `${i}.assignedAt`),
    );
  }

  async function listWorklets(input: Record<string, unknown>) {
    const limit = input.limit === undefined ? 25 : Number(input.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw badRequest('limit must be 1 to 100');
    if (input.status !== undefined && !statuses.has(String(input.status))) throw badRequest('unknown status');
    const filters: CardFilters = {
      status: input.status as string | undefined,
      mentorId: input.mentorId === undefined ? undefined : id(input.mentorId, 'mentorId'),
      search: typeof input.search === 'string' && input.search.trim() ? input.search.trim() : undefined,
      coverage: (input.coverage as CardFilters['coverage']) ?? 'all',
      cursor: input.cursor === undefined || input.cursor === null ? null : id(input.cursor, 'cursor'),
    };
    const page = cardPageQuery(filters, limit);
    const rows = (
      await pool.query<{ id: number; title: string; description: string; status: string; updatedAt: Date }>(
        page.text,
        page.values,
      )
    ).rows;
    const items = rows.slice(0, limit);
    const byWorklet = new Map<number, MentorJson[]>();
    if (items.length) {
      const mentors = await pool.query<MentorJson & { workletId: number }>(cardMentorsSql, [items.map((w) => w.id)]);
      for (const { workletId, ...m } of mentors.rows)
        byWorklet.set(workletId, [...(byWorklet.get(workletId) ?? []), m]);
    }
    const datePaths: string[] = [];
    const cards = items.map((w, i) => {
      const mentors = byWorklet.get(w.id) ?? [];
      datePaths.push(`items.${i}.updatedAt`);
      for (let j = 0; j < mentors.length; j++) datePaths.push(`items.${i}.mentors.${j}.assignedAt`);
      return { ...w, mentors, hasPrimary: mentors.some((m) => m.role === 'Primary') };
    });
    return result({ items: cards, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null }, datePaths);
  }

  /** The table by last change only (the bench's table workload), with the API's cursor; the total on page 1. */
  async function workletTable(input: Record<string, unknown>) {
    const limit = Number(input.limit ?? 25);
    const cursor = (text: string) => Buffer.from(text).toString('base64url');
    const [, , at, after] = input.cursor ? JSON.parse(Buffer.from(String(input.cursor), 'base64url').toString()) : [];
    const { rows } = await pool.query(tablePageSql, [at ?? null, after ?? null, limit + 1]);
    const count = 'SELECT count(*)::int AS n FROM worklets';
    const total = input.cursor ? null : ((await pool.query(count)).rows[0].n as number);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const next = rows.length > limit && last ? JSON.stringify(['updated', 'desc', last.updatedAt, last.id]) : null;
    const dates = items.map((_, i) => `items.${i}.updatedAt`);
    return result({ items, nextCursor: next && cursor(next), total }, dates);
  }

  /** Like the API: a transaction PostgreSQL aborted for a deadlock runs again (3 attempts), then 409. */
  async function assign(input: Record<string, unknown>): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await assignOnce(input);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== '40P01' && code !== '40001') throw error;
        if (attempt >= 3) throw conflict('Someone else changed this at the same moment. Please try again.');
        await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
      }
    }
  }

  async function assignOnce(input: Record<string, unknown>): Promise<string> {
    const workletId = id(input.workletId, 'workletId');
    const mentorId = id(input.mentorId, 'mentorId');
    if (input.role !== undefined && !roles.has(String(input.role))) throw badRequest('unknown role');
    const client = await pool.connect();
    let done = false;
    try {
      await client.query('BEGIN');
      const worklet = (await client.query<{ id: number; title: string; status: string }>(lockWorkletSql, [workletId]))
        .rows[0];
      if (!worklet) throw notFound('Worklet');
      const current = (
        await client.query<{
          id: number;
          mentorId: number;
          roleType: string;
          isActive: boolean;
          name: string;
          email: string;
        }>(workletAssignmentsSql, [workletId])
      ).rows;
      const existing = current.find((a) => a.mentorId === mentorId);
      if (existing?.isActive)
        throw conflict(`${existing.name} is already assigned to “${worklet.title}” as ${existing.roleType}.`);
      const mentor = (
        await client.query<{ id: number; name: string; email: string; role: string; isActive: boolean }>(
          mentorForAssignSql,
          [mentorId],
        )
      ).rows[0];
      if (!mentor) throw notFound(`Mentor #${mentorId}`);
      if (mentor.role !== 'mentor')
        throw badRequest(`${mentor.name} is not a mentor: only users with the mentor role can be assigned.`);
      if (!mentor.isActive) throw badRequest(`${mentor.name} is deactivated and cannot be assigned.`);
      if (worklet.status === 'archived')
        throw badRequest(`“${worklet.title}” is archived: archived worklets cannot get new mentors.`);
      const primary = current.find((a) => a.isActive && a.roleType === 'Primary');
      const role = (input.role as string | undefined) ?? (primary ? 'Secondary' : 'Primary');
      // Events as parallel arrays: assignment, mentor id, name, email, type, old role, new role.
      const events: [number, number, string, string, string, string | null, string | null][] = [];
      if (role === 'Primary' && primary && primary.mentorId !== mentorId)
        throw conflict(
          `${primary.name} is already the Primary mentor of “${worklet.title}”. Replace the Primary to make ${mentor.name} Primary; ${primary.name} then becomes Secondary.`,
        );
      if (existing) {
        await client.query(reactivateAssignmentSql, [existing.id, role, actor.id]);
        events.push([existing.id, mentor.id, mentor.name, mentor.email, 'reactivated', null, role]);
      } else {
        const created = (await client.query<{ id: number }>(insertAssignmentSql, [mentorId, workletId, role, actor.id]))
          .rows[0]!;
        events.push([created.id, mentor.id, mentor.name, mentor.email, 'assigned', null, role]);
      }
      const { version } = (await client.query<{ version: number }>(workletChangedSql, [workletId])).rows[0]!;
      await client.query(insertEventsSql, [
        events.map((e) => e[0]),
        events.map(() => workletId),
        events.map((e) => e[1]),
        events.map((e) => e[2]),
        events.map((e) => e[3]),
        events.map(() => actor.id),
        events.map(() => actor.name),
        events.map((e) => e[4]),
        events.map((e) => e[5]),
        events.map((e) => e[6]),
        version,
      ]);
      const mentors = (await client.query<MentorJson>(workletMentorsSql, [workletId])).rows;
      await client.query('COMMIT');
      done = true;
      return result(
        { workletId, mentors, changes: events.length },
        mentors.map((_, i) => `mentors.${i}.assignedAt`),
      );
    } catch (error) {
      if (!done) await client.query('ROLLBACK').catch(() => {});
      // A unique violation that slipped past the checks (cannot happen under the lock).
      if ((error as { code?: string }).code === '23505')
        throw conflict('This change conflicts with existing data (it already exists).');
      throw error;
    } finally {
      client.release();
    }
  }

  const queries: Record<string, (input: Record<string, unknown>) => Promise<string>> = {
    'assignments.workletMentors': workletMentors,
    'assignments.mentorWorklets': mentorWorklets,
    'worklets.list': listWorklets,
    'worklets.table': workletTable,
  };
  const mutations: Record<string, (input: Record<string, unknown>) => Promise<string>> = {
    'assignments.assign': assign,
  };

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  function parseInput(raw: string | null): Record<string, unknown> {
    const json = (() => {
      try {
        return raw ? (JSON.parse(raw) as { json?: unknown }).json : {};
      } catch {
        return null;
      }
    })();
    if (!json || typeof json !== 'object') throw badRequest('input must be {"json": {...}}');
    return json as Record<string, unknown>;
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    if (url === '/__stats') return send(res, 200, JSON.stringify({ requests, statements: stats.statements }));
    requests++;
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    const path = pathname.startsWith('/api/trpc/') ? pathname.slice('/api/trpc/'.length) : '';
    try {
      if (req.method === 'GET' && queries[path]) {
        const input = q === -1 ? null : new URLSearchParams(url.slice(q + 1)).get('input');
        return send(res, 200, await queries[path](parseInput(input)));
      }
      if (req.method === 'POST' && mutations[path]) {
        return send(res, 200, await mutations[path](parseInput(await readBody(req))));
      }
      throw new HttpError(404, 'NOT_FOUND', `No procedure on path "${path}"`);
    } catch (error) {
      if (error instanceof HttpError) return send(res, error.status, errorBody(error, path));
      const message = (error as Error)?.message ?? String(error);
      console.error(`baseline error ${req.method} ${pathname}: ${message}`);
      const unavailable = /timeout exceeded when trying to connect|ECONNREFUSED|Connection terminated/i.test(message);
      const [status, code] = unavailable ? [503, 'SERVICE_UNAVAILABLE'] : [500, 'INTERNAL_SERVER_ERROR'];
      if (res.headersSent) res.end();
      else send(res, status, errorBody(new HttpError(status, code, 'Internal server error'), path));
    }
  };
}

async function main() {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error('DATABASE_URL must be set');
  const pool = new pg.Pool({
    connectionString,
    max: Number(process.env.WORKLETS_DB_POOL_SIZE || 10),
    connectionTimeoutMillis: Number(process.env.WORKLETS_DB_CONNECT_TIMEOUT_MS || 3000),
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', () => {});
  const stats = countStatements(pool);
  await pool.query('SELECT 1');
  stats.statements = 0;
  const actorId = process.env.BENCH_ACTOR_ID ? Number(process.env.BENCH_ACTOR_ID) : null;
  const handle = createBaseline(pool, { id: actorId, name: process.env.BENCH_ACTOR_NAME ?? null }, stats);
  const server = createServer((req, res) => void handle(req, res));
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(process.env.PORT || 0), process.env.HOST || '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(`Baseline is running at http://127.0.0.1:${port} (pool ${pool.options.max})`);
  const stop = async () => {
    server.close();
    server.closeAllConnections();
    await pool.end().catch(() => {});
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`error: ${(error as Error)?.message ?? String(error)}`);
  process.exit(1);
});
