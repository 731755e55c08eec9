import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { errorMessage, fieldErrors, primaryConflict } from './api-errors.ts';

function apiError(message: string, data: Record<string, unknown>, code = -32600) {
  return TRPCClientError.from({ error: { message, code, data } } as never);
}

describe('API errors for people', () => {
  it('gives the first message of each invalid field', () => {
    const error = apiError('Some fields are not valid.', {
      code: 'BAD_REQUEST',
      zodError: {
        formErrors: [],
        fieldErrors: {
          title: ['A title needs at least 3 characters', 'other'],
          email: ['Enter a valid email address'],
        },
      },
    });
    expect(fieldErrors(error)).toEqual({
      title: 'A title needs at least 3 characters',
      email: 'Enter a valid email address',
    });
  });

  it('names the mentor who is already Primary on a conflict', () => {
    const error = apiError('Ada Lovelace is already the Primary mentor of “X”.', {
      code: 'CONFLICT',
      details: { primaryMentor: { id: 7, name: 'Ada Lovelace' } },
    });
    expect(primaryConflict(error)).toEqual({ id: 7, name: 'Ada Lovelace' });
    expect(errorMessage(error)).toContain('Ada Lovelace is already the Primary');
  });

  it('turns codes into plain words', () => {
    expect(errorMessage(apiError('x', { code: 'UNAUTHORIZED' }))).toMatch(/sign in/i);
    expect(errorMessage(apiError('x', { code: 'FORBIDDEN' }))).toMatch(/permission/i);
    expect(fieldErrors(new Error('plain'))).toEqual({});
    expect(primaryConflict(apiError('x', { code: 'NOT_FOUND' }))).toBeNull();
  });

  it('asks to wait when a rate limit refuses a call, as the server answers it', () => {
    // The error the server sends for a rate limit (apps/server/test/security-review.test.ts,
    // finding 7), as the tRPC client decodes it: JSON-RPC code -32029, data from the API's
    // error formatter.
    const refused = apiError(
      'Too many requests. Try again in 42 s.',
      { code: 'TOO_MANY_REQUESTS', httpStatus: 429, zodError: null, details: null, ref: null },
      -32029,
    );
    expect(errorMessage(refused)).toMatch(/wait a moment/i);
    expect(fieldErrors(refused)).toEqual({});
  });
});
