import { Alert, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { RouterOutputs } from '@worklets/api';
import { type UserRole, userRoles } from '@worklets/validators/users';
import { type FormEvent, useState } from 'react';
import { errorMessage, fieldErrors } from '../lib/api-errors.ts';
import { trpc } from '../trpc.ts';

type User = RouterOutputs['users']['list']['items'][number];

export function UserFormModal({ onClose, user }: { onClose: () => void; user?: User }) {
  const utils = trpc.useUtils();
  const [name, setName] = useState(user?.name ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [role, setRole] = useState<UserRole>(user?.role ?? 'mentor');
  const create = trpc.users.create.useMutation();
  const update = trpc.users.update.useMutation();
  const mutation = user ? update : create;
  const errors = fieldErrors(mutation.error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      const saved = user
        ? await update.mutateAsync({ id: user.id, name, email, role })
        : await create.mutateAsync({ name, email, role });
      await Promise.all([utils.users.invalidate(), utils.mentors.invalidate()]);
      notifications.show({
        color: 'green',
        title: user ? 'User saved' : 'User created',
        message: `${saved.name} (${saved.role})`,
      });
      onClose();
    } catch {
      // Shown in the form.
    }
  }

  return (
    <Modal opened onClose={onClose} title={user ? `Edit ${user.name}` : 'New user'}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {mutation.error && !Object.keys(errors).length && (
            <Alert color="red" role="alert">
              {errorMessage(mutation.error)}
            </Alert>
          )}
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errors.name}
            data-autofocus
          />
          <TextInput
            label="Email"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={errors.email}
          />
          <Select
            label="Role"
            data={[...userRoles]}
            value={role}
            onChange={(v) => v && setRole(v as UserRole)}
            allowDeselect={false}
            error={errors.role}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              {user ? 'Save' : 'Create user'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
