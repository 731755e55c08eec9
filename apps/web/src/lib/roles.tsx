import { Badge } from '@mantine/core';
import type { MentorRole } from '@worklets/validators/assignments';
import type { WorkletStatus } from '@worklets/validators/worklets';
import type React from 'react';

const roleColor: Record<MentorRole, string> = { Primary: 'blue', Secondary: 'teal', Collaborator: 'grape' };
const statusColor: Record<WorkletStatus, string> = {
  draft: 'gray',
  active: 'green',
  completed: 'indigo',
  archived: 'dark',
};

export function RoleBadge({ role }: { role: MentorRole }) {
  return (
    <Badge color={roleColor[role]} variant={role === 'Primary' ? 'filled' : 'light'} size="sm" radius="sm">
      {role}
    </Badge>
  );
}

export function StatusBadge({ status, style }: { status: WorkletStatus; style?: React.CSSProperties }) {
  return (
    <Badge color={statusColor[status]} variant="outline" size="sm" style={style}>
      {status}
    </Badge>
  );
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export const formatDateTime = (d: Date) => dateTime.format(d);
export const formatDate = (d: Date) => date.format(d);
