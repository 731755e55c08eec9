/**
 * Object-level authorization checks that are not a rung of the procedure ladder (trpc.ts)
 * or a query scope (worklets/worklet-scope.ts).
 */
import { TRPCError } from '@trpc/server';

/** Mentors may read their own assignments and history; admins anyone's. */
export function ensureSelfOrAdmin(user: { id: number; role: string }, mentorId: number): void {
  if (user.role !== 'admin' && user.id !== mentorId) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'You can only see your own worklets and history.' });
  }
}
