/**
 * The CSV import of assignments: `POST /api/import/assignments?step=preview` with the file
 * as a `text/csv` body (at most 2 MB and 10,000 lines) answers what each line would do;
 * `?step=apply&digest=<the preview's>` applies it (one transaction, one batch to undo with
 * `batches.undo`). Admins only, from the app's origin (the request guard), counted as one
 * API write. The file is parsed here by csv-parse (RFC 4180, a UTF-8 BOM allowed); what the
 * lines mean is the API's (@worklets/api/import).
 */
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/unstable-core-do-not-import';
import { DetailedError } from '@worklets/api/errors';
import { applyImport, previewImport, type RawLine } from '@worklets/api/import';
import type { PrismaClient } from '@worklets/db';
import { importColumns, importRequest, maxImportBytes, maxImportRows } from '@worklets/validators/imports';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cookieRouteUser } from './cookie-route-user.ts';
import type { FailureLog } from './failure-log.ts';
import type { RateLimits } from './rate-limits.ts';
import type { refuse as refuseFn } from './refuse.ts';
import { csvImportPath } from './request-guard.ts';
import type { SessionResolver } from './session.ts';

type Deps = {
  prisma: PrismaClient;
  sessions: SessionResolver;
  limits: RateLimits;
  refuse: typeof refuseFn;
  logFailure: FailureLog;
};

class FileError extends Error {}

/** The file's lines as records keyed by the (lower-cased) header, each with its line number. */
function parseImportFile(text: string): RawLine[] {
  let records: string[][];
  try {
    // Parsing stops past the largest file allowed: a huge file costs no more than that.
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      trim: false,
      to_line: maxImportRows + 2,
    });
  } catch (error) {
    throw new FileError(`This is not a valid CSV file: ${(error as Error).message.split('\n')[0]}`);
  }
  const [header, ...rows] = records;
  if (!header) throw new FileError('The file is empty.');
  const columns = header.map((h) => h.trim().toLowerCase());
  const missing = importColumns.filter((c) => !columns.includes(c));
  const unknown = columns.filter((c) => !(importColumns as readonly string[]).includes(c));
  if (missing.length || unknown.length)
    throw new FileError(
      `The first line must name the columns ${importColumns.join(', ')}` +
        `${missing.length ? `; missing: ${missing.join(', ')}` : ''}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}.`,
    );
  if (rows.length > maxImportRows)
    throw new FileError(
      `The file has more than ${maxImportRows.toLocaleString('en')} lines: import at most that many at a time.`,
    );
  return rows.map((row, i) => ({ ...Object.fromEntries(columns.map((c, j) => [c, row[j] ?? ''])), line: i + 2 }));
}

export function mountCsvImport(app: FastifyInstance, deps: Deps) {
  return app.register(async (scope) => {
    scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: maxImportBytes }, (_req, body, done) =>
      done(null, body),
    );
    // Who may import is decided before the body (up to 2 MB) is read.
    const onRequest = async (request: FastifyRequest, reply: FastifyReply) => {
      const user = await cookieRouteUser(deps, request, reply, { what: 'import', adminOnly: true, limit: 'writeUser' });
      if (user) request.user = user;
    };
    scope.post(csvImportPath, { bodyLimit: maxImportBytes, onRequest }, async (request, reply) => {
      const user = request.user;
      if (!user) return reply;
      const query = importRequest.safeParse(request.query);
      if (!query.success) return deps.refuse(request, reply, 400, query.error.issues[0]!.message);
      if (typeof request.body !== 'string') return deps.refuse(request, reply, 415, 'Send the file as text/csv.');
      try {
        const lines = parseImportFile(request.body);
        return query.data.step === 'preview'
          ? await previewImport(deps.prisma, lines)
          : await applyImport(
              deps.prisma,
              lines,
              { digest: query.data.digest ?? '', allowOverCapacity: query.data.allowOverCapacity === 'yes' },
              user,
            );
      } catch (error) {
        if (error instanceof FileError) return deps.refuse(request, reply, 400, error.message);
        if (error instanceof TRPCError && error.code !== 'INTERNAL_SERVER_ERROR') {
          const details = error.cause instanceof DetailedError ? error.cause.details : undefined;
          reply.code(getHTTPStatusCodeFromError(error));
          return { error: { message: error.message, code: error.code, ...(details ? { details } : {}) } };
        }
        throw error;
      }
    });
  });
}
