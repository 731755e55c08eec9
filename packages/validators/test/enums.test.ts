/**
 * The validators' enums are the database's: prisma/schema.prisma defines them, Prisma
 * generates them, and the validators (which must not import Prisma at run time) list the
 * same values in the same order.
 */
import { describe, expect, it } from 'vitest';
import { ApiTokenScope, MentorRole, UserRole, WorkletStatus } from '../../db/src/generated/prisma/enums.ts';
import { apiTokenScopes } from '../src/api-tokens.ts';
import { mentorRoles } from '../src/assignments.ts';
import { userRoles } from '../src/users.ts';
import { workletStatuses } from '../src/worklets.ts';

describe('enums', () => {
  it.each([
    ['user roles', userRoles, UserRole],
    ['worklet statuses', workletStatuses, WorkletStatus],
    ['mentor roles', mentorRoles, MentorRole],
    ['API token scopes', apiTokenScopes, ApiTokenScope],
  ])('%s match Prisma’s generated enum', (_name, values, prismaEnum) => {
    expect([...values]).toEqual(Object.values(prismaEnum));
  });
});
