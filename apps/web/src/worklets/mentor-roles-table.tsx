import { Button, Group, Select, Text } from '@mantine/core';
import { type MentorRole, mentorRoles } from '@worklets/validators/assignments';
import { useRef } from 'react';
import { removeMember, type SetMember, setRole, sortMembers } from './mentor-set.ts';

/**
 * The selected mentors with a role each, Make Primary and Remove; Primary first. A list of
 * rows that wrap, so at phone width every action stays on screen.
 */
export function MentorRolesTable({
  members,
  onChange,
  onRemoved,
}: {
  members: SetMember[];
  onChange: (members: SetMember[]) => void;
  /** Called after a row is removed, to move the keyboard focus somewhere sensible. */
  onRemoved: () => void;
}) {
  const roleSelects = useRef(new Map<number, HTMLInputElement>());
  // "Make Primary" disappears once clicked: the focus moves to that mentor's role instead.
  function makePrimary(mentorId: number) {
    onChange(setRole(members, mentorId, 'Primary'));
    requestAnimationFrame(() => roleSelects.current.get(mentorId)?.focus());
  }
  return (
    <ul aria-label="Roles of the selected mentors" className="mentor-roles">
      {sortMembers(members).map((m) => (
        <Group component="li" key={m.mentorId} gap="xs" wrap="wrap" className="mentor-roles-row" aria-label={m.name}>
          <div style={{ flex: '1 1 12rem', minWidth: 0 }}>
            <Text size="sm" fw={500}>
              {m.name}
            </Text>
            <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              {m.email}
            </Text>
          </div>
          <Select
            ref={(el) => {
              if (el) roleSelects.current.set(m.mentorId, el);
              else roleSelects.current.delete(m.mentorId);
            }}
            aria-label={`Role of ${m.name}`}
            data={[...mentorRoles]}
            value={m.role}
            allowDeselect={false}
            onChange={(role) => role && onChange(setRole(members, m.mentorId, role as MentorRole))}
            w={140}
            size="xs"
          />
          <Group gap={4} justify="flex-end" style={{ flex: '0 0 auto' }}>
            {m.role !== 'Primary' && (
              <Button size="xs" variant="light" onClick={() => makePrimary(m.mentorId)}>
                Make Primary
              </Button>
            )}
            <Button
              size="xs"
              variant="subtle"
              color="red"
              onClick={() => {
                onChange(removeMember(members, m.mentorId));
                onRemoved();
              }}
              aria-label={`Remove ${m.name}`}
            >
              Remove
            </Button>
          </Group>
        </Group>
      ))}
    </ul>
  );
}
