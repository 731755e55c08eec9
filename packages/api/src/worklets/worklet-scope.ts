/**
 * Which worklets a user may see, as a `where` clause that every worklet query includes
 * (object-level checks in the query, not in a filter afterwards):
 * admins see all; mentors the worklets they actively mentor; students the published
 * ones (active or completed), since the program has no team membership yet.
 */
import type { Prisma } from '@worklets/db';
import type { SessionUser } from '../context.ts';

export function visibleWorklets(user: SessionUser): Prisma.WorkletWhereInput {
  switch (user.role) {
    case 'admin':
      return {};
    case 'mentor':
      return { mentorAssignments: { some: { mentorId: user.id, isActive: true } } };
    case 'student':
      return { status: { in: ['active', 'completed'] } };
  }
}
