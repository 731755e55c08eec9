/**
 * The mentor set that the assignment screen edits before saving it in one call
 * (assignments.setMentors). Pure functions, so the rules are tested without a browser:
 * - a mentor added to a worklet without a Primary becomes Primary, else Secondary;
 * - making someone Primary demotes the current Primary to Secondary (shown before saving);
 * - the changes against the saved set are listed, so Save says what it will do.
 */
import type { MentorRole } from '@worklets/validators/assignments';

export type SetMember = { mentorId: number; name: string; email: string; role: MentorRole };

const roleOrder: Record<MentorRole, number> = { Primary: 0, Secondary: 1, Collaborator: 2 };

export function sortMembers(members: SetMember[]): SetMember[] {
  return [...members].sort((a, b) => roleOrder[a.role] - roleOrder[b.role] || a.name.localeCompare(b.name));
}

export function primaryOf(members: SetMember[]): SetMember | undefined {
  return members.find((m) => m.role === 'Primary');
}

export function addMembers(members: SetMember[], added: Omit<SetMember, 'role'>[]): SetMember[] {
  const next = [...members];
  for (const mentor of added) {
    if (next.some((m) => m.mentorId === mentor.mentorId)) continue;
    next.push({ ...mentor, role: primaryOf(next) ? 'Secondary' : 'Primary' });
  }
  return next;
}

export function removeMember(members: SetMember[], mentorId: number): SetMember[] {
  return members.filter((m) => m.mentorId !== mentorId);
}

/** Sets a role; a new Primary replaces the old one, who becomes Secondary. */
export function setRole(members: SetMember[], mentorId: number, role: MentorRole): SetMember[] {
  return members.map((m) => {
    if (m.mentorId === mentorId) return { ...m, role };
    if (role === 'Primary' && m.role === 'Primary') return { ...m, role: 'Secondary' };
    return m;
  });
}

export type SetChange =
  | { kind: 'add'; member: SetMember }
  | { kind: 'remove'; member: SetMember }
  | { kind: 'role'; member: SetMember; from: MentorRole };

export function diffMembers(saved: SetMember[], edited: SetMember[]): SetChange[] {
  const before = new Map(saved.map((m) => [m.mentorId, m]));
  const after = new Map(edited.map((m) => [m.mentorId, m]));
  const changes: SetChange[] = [];
  for (const m of saved) if (!after.has(m.mentorId)) changes.push({ kind: 'remove', member: m });
  for (const m of edited) {
    const old = before.get(m.mentorId);
    if (!old) changes.push({ kind: 'add', member: m });
    else if (old.role !== m.role) changes.push({ kind: 'role', member: m, from: old.role });
  }
  return changes;
}

export function describeChange(change: SetChange): string {
  switch (change.kind) {
    case 'add':
      return `Add ${change.member.name} as ${change.member.role}`;
    case 'remove':
      return `Remove ${change.member.name} (kept in history)`;
    case 'role':
      return `${change.member.name}: ${change.from} → ${change.member.role}`;
  }
}

/**
 * Applies changes made against an older saved set to the current saved set, after someone
 * else saved in between: removals of mentors who are gone already and additions of mentors
 * who are there already fall away; role changes apply to whoever is still there (a role
 * change to Primary demotes the current Primary, as `setRole` does). An addition never
 * displaces a Primary someone else has set meanwhile: it joins as Primary only when the
 * current set has none, else as Secondary, and the user sees that before saving.
 */
export function rebaseMembers(current: SetMember[], changes: SetChange[]): SetMember[] {
  let next = [...current];
  for (const change of changes) {
    const present = next.some((m) => m.mentorId === change.member.mentorId);
    if (change.kind === 'remove') {
      next = removeMember(next, change.member.mentorId);
      continue;
    }
    // A role change for a mentor someone else removed meanwhile falls away too.
    if (change.kind === 'role' && !present) continue;
    if (change.kind === 'add') {
      if (present) continue;
      const role = change.member.role === 'Primary' && primaryOf(next) ? 'Secondary' : change.member.role;
      next = [...next, { ...change.member, role }];
      continue;
    }
    next = setRole(next, change.member.mentorId, change.member.role);
  }
  return next;
}

/** The editable set from the active mentors a worklet's detail returns. */
export function toSetMembers(
  mentors: readonly { mentorId: number; name: string; email: string; role: MentorRole }[],
): SetMember[] {
  return mentors.map((m) => ({ mentorId: m.mentorId, name: m.name, email: m.email, role: m.role }));
}
