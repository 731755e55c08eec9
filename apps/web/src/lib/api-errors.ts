/**
 * Reading API errors for people: field errors next to their fields, and messages in a
 * coordinator's words for everything else.
 */
import { TRPCClientError } from '@trpc/client';
import type { RouterOutputs } from '@worklets/api';

type HistoryEntry = RouterOutputs['history']['forWorklet']['items'][number];

/** A worklet an undo cannot revert, and why (the API's `details.cannotUndo`). */
export type UndoBlocker = { workletId: number; title: string; reason: string };

/** A save refused because the worklet changed since it was loaded: what changed since, and by whom. */
export type StaleWrite = { currentVersion: number; changes: HistoryEntry[] };

/** A mentor a write would take over their capacity, with their open worklets after it. */
export type OverCapacityMentor = { id: number; name: string; workload: number; capacity: number };

type ErrorData = {
  code?: string;
  httpStatus?: number;
  zodError?: { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> } | null;
  details?: {
    primaryMentor?: { id: number; name: string };
    cannotUndo?: UndoBlocker[];
    overCapacity?: OverCapacityMentor[];
  } | null;
  ref?: string | null;
  staleWrite?: StaleWrite | null;
};

function data(error: unknown): ErrorData | undefined {
  return error instanceof TRPCClientError ? (error.data as ErrorData | undefined) : undefined;
}

function httpStatus(error: unknown): number | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const meta = error.meta as { response?: { status?: number } } | undefined;
  return data(error)?.httpStatus ?? meta?.response?.status;
}

export function errorCode(error: unknown): string | undefined {
  return data(error)?.code;
}

/** The first message for each invalid field, keyed by the field's name. */
export function fieldErrors(error: unknown): Record<string, string> {
  const fields = data(error)?.zodError?.fieldErrors ?? {};
  const result: Record<string, string> = {};
  for (const [field, messages] of Object.entries(fields)) if (messages?.[0]) result[field] = messages[0];
  return result;
}

/** The mentor who is already Primary, when a request would have made a second one. */
export function primaryConflict(error: unknown): { id: number; name: string } | null {
  return errorCode(error) === 'CONFLICT' ? (data(error)?.details?.primaryMentor ?? null) : null;
}

/** What an undo refused to revert, and why (empty when it was refused for another reason). */
export function undoBlockers(error: unknown): UndoBlocker[] {
  return errorCode(error) === 'CONFLICT' ? (data(error)?.details?.cannotUndo ?? []) : [];
}

/** The mentors an assignment would take over capacity: confirm, then send `allowOverCapacity`. */
export function overCapacityConflict(error: unknown): OverCapacityMentor[] | null {
  return errorCode(error) === 'CONFLICT' ? (data(error)?.details?.overCapacity ?? null) : null;
}

/** The changes that made a save stale, when it was refused for that reason. */
export function staleWrite(error: unknown): StaleWrite | null {
  return errorCode(error) === 'CONFLICT' ? (data(error)?.staleWrite ?? null) : null;
}

export function errorMessage(error: unknown): string {
  const status = httpStatus(error);
  if (status === 429 || errorCode(error) === 'TOO_MANY_REQUESTS')
    return 'Too many requests in a short time. Please wait a moment and try again.';
  if (status === 403 && !data(error)?.code) return 'This request was refused. Reload the page and try again.';
  switch (errorCode(error)) {
    case 'UNAUTHORIZED':
      return 'Your session has ended. Please sign in again.';
    case 'FORBIDDEN':
      return 'You do not have permission to do this.';
    case 'SERVICE_UNAVAILABLE':
      return 'The database is busy or unavailable. Please try again in a moment.';
    case 'BAD_REQUEST': {
      const zod = data(error)?.zodError;
      if (zod) return zod.formErrors[0] ?? 'Some fields are not valid.';
      return (error as Error).message;
    }
    case 'NOT_FOUND':
    case 'CONFLICT':
    case 'INTERNAL_SERVER_ERROR':
      return (error as Error).message;
  }
  if (error instanceof TRPCClientError) return 'Could not reach Worklets. Check your connection and try again.';
  return error instanceof Error ? error.message : 'Something went wrong.';
}
