/**
 * The rules of an assignment: the one module every assignment writer applies, whatever
 * its door (the API's assign / setMentors / reactivate / changeRole, the legacy backfill,
 * and the coming CSV import and bulk changes).
 *   1. Only an active user with the mentor role can be an active mentor.
 *   2. An archived worklet gets no new active mentors.
 *   3. A worklet has at most `maxMentorsPerWorklet` active mentors (@worklets/validators,
 *      which the web picker imports too).
 *   4. A worklet has at most one active Primary (also enforced by the database's partial
 *      unique index `one_active_primary_per_worklet`).
 *   5. A mentor has at most their capacity of open worklets (their own `users.capacity`,
 *      else the program's `default_mentor_capacity`), unless the coordinator explicitly
 *      overrides it; the override is recorded in history (`capacity_override`).
 *      A mentor's workload is their active assignments on *open* worklets (draft or
 *      active): a completed or archived worklet no longer loads its mentors, the same
 *      "open" as the coverage filters. Every reader and writer counts it so: the API's
 *      writes, the mentor lists and the coverage counts (`openWorkletStatuses`).
 *      A worklet's status going back from completed to active adds load too, but is not
 *      checked: a status change is not an assignment, and blocking it would strand the
 *      worklet; the mentors then show over capacity on the Mentors page.
 *
 * Pure functions over facts the writer has read under its locks: each returns a
 * violation or null, and the writer turns a violation into its own kind of error (the API
 * a typed tRPC error, the backfill a line of its report). They live in @worklets/db
 * because the backfill lives here and the API depends on this package: the one home both
 * import without a cycle. Nothing here reads or writes the database.
 */
import { maxMentorsPerWorklet } from '@worklets/validators/assignments';

export type RuleViolation = {
  rule:
    | 'mentor_not_found'
    | 'not_a_mentor'
    | 'mentor_deactivated'
    | 'worklet_archived'
    | 'too_many_mentors'
    | 'primary_taken'
    | 'over_capacity';
  message: string;
};

export type MentorFacts = { id: number; name: string; role: string; isActive: boolean };
export type WorkletFacts = { title: string; status: string };

/** Rule 1: `mentor` (undefined when no user has `mentorId`) may become an active mentor. */
export function mentorViolation(mentor: MentorFacts | undefined, mentorId: number): RuleViolation | null {
  if (!mentor) return { rule: 'mentor_not_found', message: `Mentor #${mentorId} not found` };
  if (mentor.role !== 'mentor')
    return {
      rule: 'not_a_mentor',
      message: `${mentor.name} is not a mentor: only users with the mentor role can be assigned.`,
    };
  if (!mentor.isActive)
    return { rule: 'mentor_deactivated', message: `${mentor.name} is deactivated and cannot be assigned.` };
  return null;
}

/** Rule 2: the worklet may get new active mentors. */
export function workletViolation(worklet: WorkletFacts): RuleViolation | null {
  if (worklet.status === 'archived')
    return {
      rule: 'worklet_archived',
      message: `“${worklet.title}” is archived: archived worklets cannot get new mentors.`,
    };
  return null;
}

/** Rule 3: `activeAfter` active mentors once the write is done. */
export function mentorCountViolation(worklet: WorkletFacts, activeAfter: number): RuleViolation | null {
  if (activeAfter > maxMentorsPerWorklet)
    return {
      rule: 'too_many_mentors',
      message: `“${worklet.title}” would have ${activeAfter} mentors: a worklet can have at most ${maxMentorsPerWorklet}.`,
    };
  return null;
}

/**
 * Rule 4: `mentorId` may become the active Primary while `currentPrimary` (or nobody) is.
 * A writer may resolve this violation by demoting the current Primary first (the API's
 * `replacePrimary`); the backfill makes the newcomer Secondary instead.
 */
export function primaryViolation(
  worklet: WorkletFacts,
  currentPrimary: { mentorId: number; name: string } | undefined,
  mentorId: number,
): RuleViolation | null {
  if (!currentPrimary || currentPrimary.mentorId === mentorId) return null;
  return {
    rule: 'primary_taken',
    message: `${currentPrimary.name} is already the Primary mentor of “${worklet.title}”.`,
  };
}

/** The role a mentor gets when none is asked for: Primary while the worklet has none, else Secondary. */
export function defaultRole(hasActivePrimary: boolean): 'Primary' | 'Secondary' {
  return hasActivePrimary ? 'Secondary' : 'Primary';
}

/** The statuses of a worklet whose active assignments count towards its mentors' workload. */
export const openWorkletStatuses = ['draft', 'active'] as const;

/** A mentor's capacity: their own when set, else the program's default. */
export function effectiveCapacity(own: number | null, programDefault: number): number {
  return own ?? programDefault;
}

export type CapacityFacts = { name: string; capacity: number; activeWorklets: number };

/**
 * Rule 5: `mentor` (with `activeWorklets` open worklets before the write) takes `joining`
 * more. Joining an archived worklet never reaches here (rule 2); joining a completed one
 * adds no load, so the writer passes 0 for it.
 * Only a write that adds worklets to a mentor is checked: one already over capacity keeps
 * their worklets and can change roles.
 */
export function capacityViolation(mentor: CapacityFacts, joining: number): RuleViolation | null {
  const after = mentor.activeWorklets + joining;
  if (joining <= 0 || after <= mentor.capacity) return null;
  return {
    rule: 'over_capacity',
    message: `${mentor.name} would have ${after} open worklets, over their capacity of ${mentor.capacity}: confirm to assign anyway.`,
  };
}
