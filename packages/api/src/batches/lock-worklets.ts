/**
 * Locks several worklets for a change that spans them (a bulk change, an undo, a
 * reactivation's restore) in two statements whatever their number: the rows in id order,
 * like every writer locks them (so two such writers cannot deadlock), then all their
 * assignments. Without `lock` it only reads (for a preview that writes nothing).
 */
import { Prisma } from '@worklets/db';
import type { LockedWorklet, Tx } from '../assignments/mentor-changes.ts';

export type LockedWorkletRow = LockedWorklet & { description: string };

export async function lockWorklets(tx: Tx, ids: number[], lock = true): Promise<Map<number, LockedWorkletRow>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.$queryRaw<Omit<LockedWorkletRow, 'assignments'>[]>`
    SELECT id, title, description, version, status::text AS status FROM worklets
    WHERE id = ANY(${ids}::int[]) ORDER BY id ${lock ? Prisma.sql`FOR UPDATE` : Prisma.empty}`;
  const assignments = await tx.mentorWorkletAssignment.findMany({
    where: { workletId: { in: rows.map((r) => r.id) } },
    select: {
      id: true,
      workletId: true,
      mentorId: true,
      roleType: true,
      isActive: true,
      mentor: { select: { id: true, name: true, email: true } },
    },
    orderBy: { id: 'asc' },
  });
  const byId = new Map<number, LockedWorkletRow>(rows.map((r) => [r.id, { ...r, assignments: [] }]));
  for (const { workletId, ...assignment } of assignments) byId.get(workletId)?.assignments.push(assignment);
  return byId;
}
