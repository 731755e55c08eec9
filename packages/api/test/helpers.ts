/**
 * Assertions shared by the API tests (not a test file itself).
 */
import { TRPCError } from '@trpc/server';
import { expect } from 'vitest';
import { z } from 'zod';
import { DetailedError } from '../src/errors.ts';
import type { ApiFixture } from './api-fixture.ts';

export type ErrorCode = TRPCError['code'];

/** The TRPCError a call rejects with; fails the test if it resolves or throws anything else. */
export async function caught(call: Promise<unknown> | (() => Promise<unknown>)): Promise<TRPCError> {
  let result: unknown;
  try {
    result = await (typeof call === 'function' ? call() : call);
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCError);
    return error as TRPCError;
  }
  throw new Error(`expected the call to be rejected, it returned ${JSON.stringify(result)}`);
}

/**
 * Runs a call that must be rejected with `code` and proves it wrote nothing: the fixture's
 * row counts and fingerprints, and a full dump of every table, are the same before and after.
 */
export async function rejectsWithoutWriting(
  f: ApiFixture,
  call: () => Promise<unknown>,
  code: ErrorCode,
  message?: string | RegExp,
): Promise<TRPCError> {
  const countsBefore = await f.counts();
  const before = await f.snapshot();
  const error = await caught(call);
  expect(error.code, `${error.code}: ${error.message}`).toBe(code);
  if (message !== undefined) expect(error.message).toMatch(message);
  expect(await f.counts()).toEqual(countsBefore);
  expect(await f.snapshot()).toEqual(before);
  return error;
}

/** The zod field errors of a BAD_REQUEST raised by input validation. */
export function fieldErrors(error: TRPCError): Record<string, string[] | undefined> {
  expect(error.code).toBe('BAD_REQUEST');
  expect(error.cause).toBeInstanceOf(z.ZodError);
  return z.flattenError(error.cause as z.ZodError).fieldErrors as Record<string, string[] | undefined>;
}

/** The mentor named by a "there is a Primary already" CONFLICT. */
export function conflictingPrimary(error: TRPCError): { id: number; name: string } | undefined {
  expect(error.code).toBe('CONFLICT');
  expect(error.cause).toBeInstanceOf(DetailedError);
  return (error.cause as DetailedError).details.primaryMentor;
}

/** Lets a test pass inputs the types forbid (unknown keys, wrong types) to prove the server refuses them. */
export function untyped<T>(value: unknown): T {
  return value as T;
}
