/**
 * Demo data for workload and capacity (rule 5): the generated program leaves nearly every
 * mentor under the default capacity of 8, so the demo tops up its busiest mentors:
 *   - one to 11 open worklets (over the default: "11 of 8 · over capacity"),
 *   - one to 9 (over by one),
 *   - one to 8 (full, not over),
 * and gives the busiest mentor of the picker's first page (the first ten by name) a
 * capacity of their own of 12: the dashboard's browser test assigns those mentors freely,
 * so they stay within capacity, and one of them shows an own capacity.
 * Each extra assignment is a Secondary on an open worklet that has 1 to 3 mentors,
 * with its "assigned" event after the worklet's own history. Deterministic, and it draws
 * nothing from the generator's random stream, so the rest of the demo stays as it was.
 * The sign-in mentor (the first mentor) is left alone.
 */
import type { Program } from './program.ts';

const open = new Set(['draft', 'active']);
const hour = 3_600_000;

/** Open worklets to reach for the busiest, second and third busiest mentor. */
const targets = [11, 9, 8];
const firstPageOwnCapacity = 12;

export function addCapacityShowcase(program: Program): void {
  const { users, worklets, assignments, events } = program;
  const workletById = new Map(worklets.map((w) => [w.id, w]));
  const isOpenActive = (a: Program['assignments'][number]) =>
    a.isActive && open.has(workletById.get(a.workletId)!.status);
  const load = new Map<number, number>();
  for (const a of assignments) if (isOpenActive(a)) load.set(a.mentorId, (load.get(a.mentorId) ?? 0) + 1);
  const mentors = users.filter((u) => u.role === 'mentor');
  const byName = mentors.filter((u) => u.isActive).sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
  const mostLoaded = (a: { id: number }, b: { id: number }) =>
    (load.get(b.id) ?? 0) - (load.get(a.id) ?? 0) || a.id - b.id;
  const firstPage = byName.slice(0, 10).filter((u) => u.id !== mentors[0]?.id);
  const leftAlone = new Set([mentors[0]?.id, ...firstPage.map((u) => u.id)]);
  const busiest = mentors.filter((u) => u.isActive && !leftAlone.has(u.id)).sort(mostLoaded);
  const ownCapacity = [...firstPage].sort(mostLoaded)[0];
  if (ownCapacity) ownCapacity.capacity = firstPageOwnCapacity;
  const actor = users.find((u) => u.role === 'admin')!;
  const rowsOf = (workletId: number) => assignments.filter((a) => a.workletId === workletId);

  targets.forEach((target, i) => {
    const mentor = busiest[i];
    if (!mentor) return;
    for (const worklet of worklets) {
      if ((load.get(mentor.id) ?? 0) >= target) break;
      const rows = rowsOf(worklet.id);
      // Worklets without mentors keep none: the coverage overview shows them too.
      const full = rows.length === 0 || rows.length >= 4;
      if (!open.has(worklet.status) || full || rows.some((a) => a.mentorId === mentor.id)) continue;
      const last = events
        .filter((e) => e.workletId === worklet.id)
        .reduce((t, e) => Math.max(t, e.occurredAt.getTime()), worklet.createdAt.getTime());
      const at = new Date(last + 2 * hour);
      const assignment = {
        id: assignments.length + 1,
        mentorId: mentor.id,
        workletId: worklet.id,
        assignedAt: at,
        roleType: 'Secondary' as const,
        isActive: true,
        assignedBy: actor.id,
      };
      assignments.push(assignment);
      worklet.version += 1;
      events.push({
        id: events.length + 1,
        assignmentId: assignment.id,
        workletId: worklet.id,
        mentorId: mentor.id,
        mentorName: mentor.name,
        mentorEmail: mentor.email,
        actorId: actor.id,
        actorName: actor.name,
        type: 'assigned',
        oldRole: null,
        newRole: 'Secondary',
        occurredAt: at,
        workletVersion: worklet.version,
      });
      load.set(mentor.id, (load.get(mentor.id) ?? 0) + 1);
    }
  });
}
