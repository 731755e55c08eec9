/**
 * The one `initTRPC` of Worklets and its ladder of procedures:
 *   publicProcedure -> authedProcedure (signed in) -> staffProcedure (mentors, admins) -> adminProcedure
 * Each rung narrows the context's type, so a procedure states who may call it by the rung
 * it is built on. Deny by default: only `health` and sign-in are public.
 * https://trpc.io/docs/server/procedures#reusable-base-procedures
 */
import { randomUUID } from 'node:crypto';
import { initTRPC, TRPCError } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { z } from 'zod';
import type { Context } from './context.ts';
import { DetailedError, type ErrorDetails, toTRPCError } from './errors.ts';
import { transformer } from './wire-format.ts';

const production = process.env.NODE_ENV === 'production';

/** Where unexpected errors go with their correlation id (the server replaces it with its logger). */
export const errorLog = {
  write(ref: string, error: TRPCError, path: string | undefined): void {
    console.error(`[${ref}] ${path ?? '(no path)'}:`, error.cause ?? error);
  },
};

/** `OpenApiMeta`: procedures of the REST API (rest/router.ts) carry their path in `meta.openapi`. */
const withMeta = initTRPC.context<Context>().meta<OpenApiMeta>();
const t = withMeta.create({
  transformer,
  isDev: !production,
  errorFormatter({ shape, error, path }) {
    const zodError = error.cause instanceof z.ZodError ? z.flattenError(error.cause) : null;
    const { staleWrite, ...details }: ErrorDetails = error.cause instanceof DetailedError ? error.cause.details : {};
    let message = shape.message;
    let ref: string | null = null;
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      // Unexpected: the client gets a generic message and a reference; the log gets the rest.
      ref = randomUUID().slice(0, 8);
      errorLog.write(ref, error, path);
      message = `Something went wrong on our side (reference ${ref}).`;
    } else if (zodError) {
      message = 'Some fields are not valid.';
    }
    const { stack, ...data } = shape.data;
    return {
      ...shape,
      message,
      data: {
        ...data,
        ...(production ? {} : { stack }),
        zodError,
        details: Object.keys(details).length > 0 ? details : null,
        // A stale write's current version and the changes since (contract: stale-write.ts).
        staleWrite: staleWrite ?? null,
        ref,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Maps database failures to typed errors for every procedure (see errors.ts). */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(
      result.error.cause && result.error.code === 'INTERNAL_SERVER_ERROR' ? result.error.cause : result.error,
    );
    if (mapped !== result.error) throw mapped;
  }
  return result;
});

export const publicProcedure = t.procedure.use(mapErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in.' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** Mentors and admins: the people who run worklets (students cannot read assignment history). */
export const staffProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role === 'student')
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only mentors and coordinators can see this.' });
  return next({ ctx });
});

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin') throw new TRPCError({ code: 'FORBIDDEN', message: 'Only admins can do this.' });
  return next({ ctx });
});
