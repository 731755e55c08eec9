/**
 * The BASELINE of the benchmark: the least a server can do to answer the same requests.
 * `node:http` + a `pg` Pool + the hand-written SQL of baseline-sql.ts, no framework, no ORM,
 * no validation library. It serves the benchmarked procedures on the same URL shapes as
 * the Worklets tRPC API (so the load generators are shared) and answers with the same
 * JSON (the tRPC + superjson envelope, same fields, same order):
 *
 *   GET  /api/trpc/assignments.workletMentors?input={"json":{"workletId":1}}
 *   GET  /api/trpc/assignments.mentorWorklets?input={"json":{"mentorId":6}}
 *   GET  /api/trpc/worklets.list?input={"json":{"limit":50,...}}
 *   POST /api/trpc/assignments.assign   body {"json":{"workletId":1,"mentorId":6,"role"?:"Secondary"}}
 *   GET  /healthz
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
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  type CardFilters,
  cardMentorsSql,
  cardPageQuery,
  demoteAssignmentSql,
  insertAssignmentSql,
  insertEventsSql,
  lockWorkletSql,
  mentorForAssignSql,
  mentorWorkletsSql,
  reactivateAssignmentSql,
  syncLegacyMentorSql,
  userExistsSql,
  workletAssignmentsSql,
  workletExistsSql,
  workletMentorsSql,
} from './baseline-sql.ts';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const trpcCodes: Record<string, number> = {
  BAD_REQUEST: -32600,
  UNAUTHORIZED: -32001,
  FORBIDDEN: -32003,
  NOT_FOUND: -32004,
  CONFLICT: -32009,
  INTERNAL_SERVER_ERROR: -32603,
  SERVICE_UNAVAILABLE: -32603,
  METHOD_NOT_SUPPORTED: -32005,
};

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
  return JSON.stringify({
    error: {
      json: {
        message: error.message,
        code: trpcCodes[error.code] ?? -32603,
        data: { code: error.code, httpStatus: error.status, path },
      },
    },
  });
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
export function countStatements(pool: pg.Pool): { statements: number } {
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

export function createBaseline(
  pool: pg.Pool,
  actor: { id: number | null; name: string | null },
  stats = { statements: 0 },
) {
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
      for (const { workletId, ...m } of mentors.rows) {
        let list = byWorklet.get(workletId);
        if (!list) {
          list = [];
          byWorklet.set(workletId, list);
        }
        list.push(m);
      }
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
    const replacePrimary = input.replacePrimary === true;
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
      if (role === 'Primary' && primary && primary.mentorId !== mentorId) {
        if (!replacePrimary) {
          throw conflict(
            `${primary.name} is already the Primary mentor of “${worklet.title}”. Replace the Primary to make ${mentor.name} Primary; ${primary.name} then becomes Secondary.`,
          );
        }
        await client.query(demoteAssignmentSql, [primary.id]);
        events.push([
          primary.id,
          primary.mentorId,
          primary.name,
          primary.email,
          'role_changed',
          'Primary',
          'Secondary',
        ]);
      }
      if (existing) {
        await client.query(reactivateAssignmentSql, [existing.id, role, actor.id]);
        events.push([existing.id, mentor.id, mentor.name, mentor.email, 'reactivated', null, role]);
      } else {
        const created = (await client.query<{ id: number }>(insertAssignmentSql, [mentorId, workletId, role, actor.id]))
          .rows[0]!;
        events.push([created.id, mentor.id, mentor.name, mentor.email, 'assigned', null, role]);
      }
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
      ]);
      await client.query(syncLegacyMentorSql, [workletId]);
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
  };
  const mutations: Record<string, (input: Record<string, unknown>) => Promise<string>> = {
    'assignments.assign': assign,
  };

  function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > 100_000) reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', 'Request body too large.'));
        else chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  function parseInput(raw: string | null): Record<string, unknown> {
    if (!raw) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw badRequest('input is not JSON');
    }
    const json = (parsed as { json?: unknown })?.json;
    if (!json || typeof json !== 'object') throw badRequest('input must be {"json": {...}}');
    return json as Record<string, unknown>;
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    if (url === '/healthz') return send(res, 200, '{"ok":true}');
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
      const status = unavailable ? 503 : 500;
      if (!res.headersSent) {
        send(
          res,
          status,
          errorBody(
            new HttpError(
              status,
              unavailable ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR',
              'Internal server error',
            ),
            path,
          ),
        );
      } else res.end();
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

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().catch((error: unknown) => {
    console.error(`error: ${(error as Error)?.message ?? String(error)}`);
    process.exit(1);
  });
}
