/**
 * CSV downloads, with the session cookie like the dashboard: `GET /api/export/worklets.csv`
 * (the worklet list's filters; `rows=assignments` for a row per assignment) and
 * `GET /api/export/audit-log.csv` (admins; the audit log's filters) and
 * `GET /api/export/mentors.csv` (admins; the Mentors list with workload, its sort and filters).
 *
 * Streamed: rows come from @worklets/api/export in keyset batches and go through
 * csv-stringify (RFC 4180, UTF-8) to the socket, so memory stays flat whatever the size.
 * CSV injection: a text cell that a spreadsheet would read as a formula (starting with
 * `=`, `+`, `-`, `@`, tab or carriage return) is prefixed with `'` (OWASP's advice).
 * Counted as one API read against the caller's rate limit.
 */
import { Readable } from 'node:stream';
import {
  assignmentColumns,
  auditLogColumns,
  auditLogExportRows,
  type ExportRow,
  mentorColumns,
  mentorExportRows,
  workletColumns,
  workletExportRows,
} from '@worklets/api/export';
import type { PrismaClient } from '@worklets/db';
import { exportAuditLogQuery, exportMentorsQuery, exportWorkletsQuery } from '@worklets/validators/exports';
import { stringify } from 'csv-stringify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { cookieRouteUser } from './cookie-route-user.ts';
import type { FailureLog } from './failure-log.ts';
import type { RateLimits } from './rate-limits.ts';
import type { refuse as refuseFn } from './refuse.ts';
import type { SessionResolver } from './session.ts';

const formulaStart = /^[=+\-@\t\r]/;

/** A text cell as a spreadsheet will show it, never run it. */
function neutralise(value: string): string {
  return formulaStart.test(value) ? `'${value}` : value;
}

type Deps = {
  prisma: PrismaClient;
  sessions: SessionResolver;
  limits: RateLimits;
  refuse: typeof refuseFn;
  logFailure: FailureLog;
};

/** The query parsed by `schema`, or a 400 naming the first bad field. */
function parseQuery<S extends z.ZodType>(deps: Deps, schema: S, request: FastifyRequest, reply: FastifyReply) {
  const parsed = schema.safeParse(request.query);
  if (parsed.success) return parsed.data as z.output<S>;
  const issue = parsed.error.issues[0]!;
  deps.refuse(request, reply, 400, `${issue.path.join('.') || 'query'}: ${issue.message}`);
  return undefined;
}

function sendCsv(deps: Deps, reply: FastifyReply, name: string, columns: string[], rows: AsyncIterable<ExportRow>) {
  const csv = stringify({
    header: true,
    columns,
    // Every cell quoted: a spreadsheet that splits on `;` or tab cannot start a cell inside one.
    quoted: true,
    cast: {
      string: neutralise,
      date: (d) => d.toISOString(),
      boolean: (b) => (b ? 'yes' : 'no'),
    },
  });
  const source = Readable.from(rows);
  source.on('error', (error) => {
    deps.logFailure('csv export', error);
    csv.destroy(error);
  });
  const day = new Date().toISOString().slice(0, 10);
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}-${day}.csv"`)
    .header('cache-control', 'no-store')
    .send(source.pipe(csv));
}

export function mountCsvExports(app: FastifyInstance, deps: Deps) {
  app.get('/api/export/worklets.csv', async (request, reply) => {
    const user = await cookieRouteUser(deps, request, reply, { what: 'export', adminOnly: false, limit: 'readUser' });
    if (!user) return reply;
    const query = parseQuery(deps, exportWorkletsQuery, request, reply);
    if (!query) return reply;
    const columns = query.rows === 'assignments' ? assignmentColumns : workletColumns;
    return sendCsv(deps, reply, query.rows, columns, workletExportRows(deps.prisma, user, query));
  });

  app.get('/api/export/mentors.csv', async (request, reply) => {
    const user = await cookieRouteUser(deps, request, reply, {
      what: 'export this',
      adminOnly: true,
      limit: 'readUser',
    });
    if (!user) return reply;
    const query = parseQuery(deps, exportMentorsQuery, request, reply);
    if (!query) return reply;
    return sendCsv(deps, reply, 'mentors', mentorColumns, mentorExportRows(deps.prisma, query));
  });

  app.get('/api/export/audit-log.csv', async (request, reply) => {
    const user = await cookieRouteUser(deps, request, reply, {
      what: 'export this',
      adminOnly: true,
      limit: 'readUser',
    });
    if (!user) return reply;
    const query = parseQuery(deps, exportAuditLogQuery, request, reply);
    if (!query) return reply;
    return sendCsv(deps, reply, 'audit-log', auditLogColumns, auditLogExportRows(deps.prisma, query));
  });
}
