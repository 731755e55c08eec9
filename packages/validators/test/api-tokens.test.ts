import { describe, expect, it } from 'vitest';
import { createApiTokenInput } from '../src/api-tokens.ts';
import { restAssignMentorInput } from '../src/rest.ts';

const messages = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  Object.fromEntries((result.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]));

describe('API token and REST inputs', () => {
  it('a token needs a name, a scope and 1 to 365 whole days', () => {
    expect(createApiTokenInput.parse({ name: '  Reports  ', scope: 'read', expiresInDays: 30 }).name).toBe('Reports');
    expect(messages(createApiTokenInput.safeParse({ name: ' ', scope: 'read', expiresInDays: 0 }))).toEqual({
      name: 'Enter a name',
      expiresInDays: 'At least 1 day',
    });
    expect(messages(createApiTokenInput.safeParse({ name: 'x', scope: 'admin', expiresInDays: 366 }))).toMatchObject({
      expiresInDays: 'At most 365 days',
    });
    expect(createApiTokenInput.safeParse({ name: 'x', scope: 'read', expiresInDays: 1.5 }).success).toBe(false);
  });

  it('an assignment from another service never names its assigner', () => {
    expect(restAssignMentorInput.parse({ worklet_id: 1, mentor_id: 2, role_type: 'Primary' })).toEqual({
      worklet_id: 1,
      mentor_id: 2,
      role_type: 'Primary',
    });
    expect(messages(restAssignMentorInput.safeParse({ worklet_id: 1, mentor_id: 2, assigned_by: 3 }))).toEqual({
      assigned_by: 'The assigner is the owner of the API token: do not send assigned_by',
    });
    expect(restAssignMentorInput.safeParse({ worklet_id: 1, mentor_id: 2, other: 1 }).success).toBe(false);
  });
});
