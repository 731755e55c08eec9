import { describe, expect, it } from 'vitest';
import {
  addMembers,
  describeChange,
  diffMembers,
  primaryOf,
  rebaseMembers,
  removeMember,
  type SetMember,
  setRole,
  sortMembers,
} from './mentor-set.ts';

const ada = { mentorId: 1, name: 'Ada Lovelace', email: 'ada@x.example' };
const bob = { mentorId: 2, name: 'Bob Okafor', email: 'bob@x.example' };
const cy = { mentorId: 3, name: 'Cy Tanaka', email: 'cy@x.example' };

describe('mentor set editing', () => {
  it('makes the first mentor Primary and later ones Secondary', () => {
    const set = addMembers([], [ada, bob]);
    expect(set.map((m) => [m.mentorId, m.role])).toEqual([
      [1, 'Primary'],
      [2, 'Secondary'],
    ]);
    expect(addMembers(set, [cy]).at(-1)?.role).toBe('Secondary');
  });

  it('ignores a mentor who is already in the set', () => {
    const set = addMembers([], [ada]);
    expect(addMembers(set, [ada])).toHaveLength(1);
  });

  it('replaces the Primary: the old Primary becomes Secondary', () => {
    const set = setRole(addMembers([], [ada, bob, cy]), 3, 'Primary');
    expect(primaryOf(set)?.mentorId).toBe(3);
    expect(set.find((m) => m.mentorId === 1)?.role).toBe('Secondary');
    expect(set.filter((m) => m.role === 'Primary')).toHaveLength(1);
  });

  it('changing a non-Primary role leaves the Primary alone', () => {
    const set = setRole(addMembers([], [ada, bob]), 2, 'Collaborator');
    expect(set.map((m) => m.role)).toEqual(['Primary', 'Collaborator']);
  });

  it('sorts Primary first, then Secondary, then Collaborator, then by name', () => {
    const set: SetMember[] = [
      { ...cy, role: 'Collaborator' },
      { ...bob, role: 'Secondary' },
      { ...ada, role: 'Secondary' },
      { mentorId: 4, name: 'Zoe Kim', email: 'z@x.example', role: 'Primary' },
    ];
    expect(sortMembers(set).map((m) => m.name)).toEqual(['Zoe Kim', 'Ada Lovelace', 'Bob Okafor', 'Cy Tanaka']);
  });

  it('lists the changes against the saved set in words', () => {
    const saved = addMembers([], [ada, bob]);
    const edited = setRole(addMembers(removeMember(saved, 2), [cy]), 3, 'Primary');
    const changes = diffMembers(saved, edited);
    expect(changes.map(describeChange)).toEqual([
      'Remove Bob Okafor (kept in history)',
      'Ada Lovelace: Primary → Secondary',
      'Add Cy Tanaka as Primary',
    ]);
    expect(diffMembers(saved, saved)).toEqual([]);
  });
});

describe('rebasing unsaved changes onto a newer saved set', () => {
  const saved = [{ ...ada, role: 'Primary' as const }];
  it('keeps an addition made by someone else and adds mine', () => {
    const mine = diffMembers(saved, addMembers(saved, [bob]));
    const theirs = [...saved, { ...cy, role: 'Secondary' as const }];
    const rebased = rebaseMembers(theirs, mine);
    expect(sortMembers(rebased).map((m) => [m.mentorId, m.role])).toEqual([
      [1, 'Primary'],
      [2, 'Secondary'],
      [3, 'Secondary'],
    ]);
    expect(diffMembers(theirs, rebased).map(describeChange)).toEqual(['Add Bob Okafor as Secondary']);
  });

  it('makes a mentor I promoted Primary demote whoever is Primary now', () => {
    const two = [...saved, { ...bob, role: 'Secondary' as const }];
    const mine = diffMembers(two, setRole(two, bob.mentorId, 'Primary'));
    const theirs = [
      { ...ada, role: 'Secondary' as const },
      { ...bob, role: 'Secondary' as const },
      { ...cy, role: 'Primary' as const },
    ];
    const rebased = rebaseMembers(theirs, mine);
    expect(primaryOf(rebased)?.mentorId).toBe(bob.mentorId);
    expect(rebased.filter((m) => m.role === 'Primary')).toHaveLength(1);
  });

  it('adds a mentor I added as Primary as Secondary when someone else set a Primary meanwhile', () => {
    const mine = diffMembers([], addMembers([], [bob]));
    expect(mine.map(describeChange)).toEqual(['Add Bob Okafor as Primary']);
    const rebased = rebaseMembers(saved, mine);
    expect(diffMembers(saved, rebased).map(describeChange)).toEqual(['Add Bob Okafor as Secondary']);
    expect(rebaseMembers([], mine).map((m) => m.role)).toEqual(['Primary']);
  });

  it('drops a role change for a mentor who was removed meanwhile, and a removal already done', () => {
    const two = [...saved, { ...bob, role: 'Secondary' as const }];
    const mine = diffMembers(two, removeMember(setRole(two, bob.mentorId, 'Primary'), ada.mentorId));
    const theirs = [{ ...cy, role: 'Primary' as const }];
    expect(rebaseMembers(theirs, mine)).toEqual(theirs);
  });
});
