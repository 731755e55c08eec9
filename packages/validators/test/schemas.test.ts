import { describe, expect, it } from 'vitest';
import { assignMentorInput, setWorkletMentorsInput } from '../src/assignments.ts';
import { createUserInput } from '../src/users.ts';
import { createWorkletInput, listWorkletsInput } from '../src/worklets.ts';

describe('shared zod schemas', () => {
  it('reject unknown keys, so the actor can never come from the client', () => {
    const result = assignMentorInput.safeParse({ workletId: 1, mentorId: 2, assignedBy: 99 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it('default replacePrimary and allowOverCapacity to false and leave the role to the server', () => {
    expect(assignMentorInput.parse({ workletId: 1, mentorId: 2 })).toEqual({
      workletId: 1,
      mentorId: 2,
      replacePrimary: false,
      allowOverCapacity: false,
    });
  });

  it('accept only positive 32-bit ids and known roles', () => {
    for (const bad of [0, -1, 1.5, 2 ** 31, '3'])
      expect(assignMentorInput.safeParse({ workletId: bad, mentorId: 1 }).success).toBe(false);
    expect(assignMentorInput.safeParse({ workletId: 1, mentorId: 1, role: 'Lead' }).success).toBe(false);
  });

  it('refuse a mentor set with a duplicate mentor or two Primaries, naming the field', () => {
    const twice = setWorkletMentorsInput.safeParse({
      workletId: 1,
      expectedVersion: 1,
      mentors: [
        { mentorId: 2, role: 'Primary' },
        { mentorId: 2, role: 'Secondary' },
      ],
    });
    expect(twice.error?.issues.map((i) => i.path.join('.'))).toEqual(['mentors.1.mentorId']);
    const primaries = setWorkletMentorsInput.safeParse({
      workletId: 1,
      expectedVersion: 1,
      mentors: [
        { mentorId: 2, role: 'Primary' },
        { mentorId: 3, role: 'Primary' },
      ],
    });
    expect(primaries.error?.issues[0]?.message).toBe('Only one mentor can be Primary');
    const tooMany = setWorkletMentorsInput.safeParse({
      workletId: 1,
      expectedVersion: 1,
      mentors: Array.from({ length: 21 }, (_, i) => ({ mentorId: i + 1, role: 'Secondary' })),
    });
    expect(tooMany.success).toBe(false);
  });

  it('normalise emails and bound strings', () => {
    expect(createUserInput.parse({ email: '  Ada@Example.ORG ', name: ' Ada ', role: 'mentor' })).toEqual({
      email: 'ada@example.org',
      name: 'Ada',
      role: 'mentor',
    });
    expect(createUserInput.safeParse({ email: 'not-an-email', name: 'Ada', role: 'mentor' }).success).toBe(false);
    expect(createUserInput.safeParse({ email: 'a@b.org', name: 'x'.repeat(121), role: 'mentor' }).success).toBe(false);
  });

  it('bound page sizes and accept what tRPC infinite queries add', () => {
    expect(listWorkletsInput.safeParse({ limit: 101 }).success).toBe(false);
    expect(listWorkletsInput.parse({ cursor: 10, direction: 'forward' })).toMatchObject({
      limit: 25,
      coverage: 'all',
      cursor: 10,
    });
  });

  it('explain bad text in words a coordinator understands', () => {
    const long = createWorkletInput.safeParse({ idempotencyKey: crypto.randomUUID(), title: 'x'.repeat(201) });
    expect(long.error?.issues[0]?.message).toBe('At most 200 characters');
    const short = createWorkletInput.safeParse({ idempotencyKey: crypto.randomUUID(), title: ' ab ' });
    expect(short.error?.issues[0]?.message).toBe('A title needs at least 3 characters');
    const description = createWorkletInput.safeParse({
      idempotencyKey: crypto.randomUUID(),
      title: 'Solar forecasting',
      description: 'x'.repeat(5_001),
    });
    expect(description.error?.issues[0]?.message).toBe('At most 5,000 characters');
    const name = createUserInput.safeParse({ email: 'a@b.example', name: '   ', role: 'mentor' });
    expect(name.error?.issues[0]?.message).toBe('Enter a name');
    const email = createUserInput.safeParse({ email: `${'a'.repeat(250)}@b.example`, name: 'A', role: 'mentor' });
    expect(email.error?.issues.map((i) => i.message)).toContain('At most 254 characters');
  });
});
