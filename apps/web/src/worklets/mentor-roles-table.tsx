import { Button, Group, Select, Table, Text } from '@mantine/core';
import { type MentorRole, mentorRoles } from '@worklets/validators/assignments';
import { removeMember, type SetMember, setRole, sortMembers } from './mentor-set.ts';

/** The selected mentors with a role each, Make Primary and Remove; Primary first. */
export function MentorRolesTable({
  members,
  onChange,
}: {
  members: SetMember[];
  onChange: (members: SetMember[]) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={360}>
      <Table verticalSpacing="xs" aria-label="Roles of the selected mentors">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Mentor</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>
              <span className="sr-only">Actions</span>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sortMembers(members).map((m) => (
            <Table.Tr key={m.mentorId}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {m.name}
                </Text>
                <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  {m.email}
                </Text>
              </Table.Td>
              <Table.Td>
                <Select
                  aria-label={`Role of ${m.name}`}
                  data={[...mentorRoles]}
                  value={m.role}
                  allowDeselect={false}
                  onChange={(role) => role && onChange(setRole(members, m.mentorId, role as MentorRole))}
                  w={140}
                  size="xs"
                />
              </Table.Td>
              <Table.Td>
                <Group gap={4} justify="flex-end">
                  {m.role !== 'Primary' && (
                    <Button size="xs" variant="light" onClick={() => onChange(setRole(members, m.mentorId, 'Primary'))}>
                      Make Primary
                    </Button>
                  )}
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    onClick={() => onChange(removeMember(members, m.mentorId))}
                    aria-label={`Remove ${m.name}`}
                  >
                    Remove
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
