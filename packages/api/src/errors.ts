/**
 * Turning failures into typed API errors. Domain code throws `TRPCError`s with a message
 * written for a coordinator; this module maps what the database says (a unique violation,
 * a missing row, an exhausted pool) to the right code, so that no client ever sees SQL,
 * Prisma text or a stack trace.
 */
import { TRPCError } from '@trpc/server';
import { Prisma } from '@worklets/db';
import type { RuleViolation } from '@worklets/db/assignment-rules';
import type { HistoryEntry } from './history/history-entry.ts';

/** Extra facts for the UI, carried to the client in `error.data.details`. */
export type ErrorDetails = {
  /** The mentor who is Primary already, when a request would add a second one. */
  primaryMentor?: { id: number; name: string };
  /**
   * The mentors a write would take over their capacity (rule 5), with their open worklets
   * after the write: the UI asks the coordinator to confirm, then sends `allowOverCapacity`.
   */
  overCapacity?: { id: number; name: string; workload: number; capacity: number }[];
  /** A write based on an old version of the worklet: see stale-write.ts for the contract. */
  staleWrite?: StaleWrite;
  /** An undo refused: each worklet that cannot be reverted, and why (batches/undo-batch.ts). */
  cannotUndo?: UndoBlocker[];
};

/** One worklet an undo cannot revert: it changed since, or a rule forbids the old state now. */
export type UndoBlocker = { workletId: number; title: string; reason: string };

/** `error.data.staleWrite` of a stale write's CONFLICT (contract in stale-write.ts). */
export type StaleWrite = { currentVersion: number; changes: HistoryEntry[] };

export class DetailedError extends Error {
  constructor(
    message: string,
    readonly details: ErrorDetails,
  ) {
    super(message);
  }
}

export function conflict(message: string, details?: ErrorDetails): TRPCError {
  return new TRPCError({ code: 'CONFLICT', message, cause: details ? new DetailedError(message, details) : undefined });
}

export function notFound(what: string): TRPCError {
  return new TRPCError({ code: 'NOT_FOUND', message: `${what} not found` });
}

export function badRequest(message: string): TRPCError {
  return new TRPCError({ code: 'BAD_REQUEST', message });
}

/** Throws the API's error for a broken assignment rule (@worklets/db/assignment-rules). */
export function enforceRule(violation: RuleViolation | null): void {
  if (!violation) return;
  if (violation.rule === 'mentor_not_found') throw new TRPCError({ code: 'NOT_FOUND', message: violation.message });
  if (violation.rule === 'primary_taken') throw conflict(violation.message);
  throw badRequest(violation.message);
}

function pgCode(error: Prisma.PrismaClientKnownRequestError): string | undefined {
  const meta = error.meta as
    | { code?: string; driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } }
    | undefined;
  return meta?.code ?? meta?.driverAdapterError?.cause?.originalCode;
}

/** A unique violation (the row exists already). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && (error.code === 'P2002' || pgCode(error) === '23505');
}

/** A deadlock or serialization failure: PostgreSQL rolled the transaction back; it is safe to retry. */
export function isRetryableConflict(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  const code = pgCode(error);
  return error.code === 'P2034' || code === '40P01' || code === '40001';
}

/** Runs a transaction again (up to 3 times) when PostgreSQL aborted it for a deadlock. */
export async function retryOnConflict<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isRetryableConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
    }
  }
}

const unavailableMessage = 'The database is busy or unavailable. Please try again in a moment.';

function isConnectionFailure(error: unknown): boolean {
  const text = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|ECONNREFUSED|Can't reach database server|Unable to start a transaction in the given time|the database system is (shutting down|starting up|in recovery mode)|terminating connection due to administrator command/i.test(
    text,
  );
}

/** Maps an error thrown inside a procedure to the TRPCError a client should get. */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    const code = pgCode(error);
    if (error.code === 'P2002' || code === '23505') {
      return new TRPCError({
        code: 'CONFLICT',
        message: 'This change conflicts with existing data (it already exists).',
        cause: error,
      });
    }
    if (isRetryableConflict(error)) {
      return new TRPCError({
        code: 'CONFLICT',
        message: 'Someone else changed this at the same moment. Please try again.',
        cause: error,
      });
    }
    if (error.code === 'P2025') return new TRPCError({ code: 'NOT_FOUND', message: 'Not found', cause: error });
    if (error.code === 'P2003' || code === '23503') {
      return new TRPCError({
        code: 'BAD_REQUEST',
        message: 'This refers to something that does not exist.',
        cause: error,
      });
    }
    if (
      error.code === 'P2028' ||
      error.code === 'P1001' ||
      error.code === 'P1017' ||
      code?.startsWith('08') ||
      code?.startsWith('57P')
    ) {
      return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: unavailableMessage, cause: error });
    }
  }
  if (error instanceof Prisma.PrismaClientInitializationError || isConnectionFailure(error)) {
    return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: unavailableMessage, cause: error as Error });
  }
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error', cause: error as Error });
}
