import { Select, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { RouterOutputs } from '@worklets/api';
import { type UserRole, userRoles } from '@worklets/validators/users';
import { useState } from 'react';
import { fieldErrors } from '../lib/api-errors.ts';
import { FormModal } from '../lib/form-modal.tsx';
import { useSubmitOnce } from '../lib/idempotency.ts';
import { trpc } from '../trpc.ts';

type User = RouterOutputs['users']['list']['items'][number];

/** Create a user, or edit one when `user` is given. */
export function UserFormModal({ onClose, user }: { onClose: () => void; user?: User }) {
  const utils = trpc.useUtils();
  const [name, setName] = useState(user?.name ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [role, setRole] = useState<UserRole>(user?.role ?? 'mentor');
  const create = trpc.users.create.useMutation();
  const update = trpc.users.update.useMutation();
  const mutation = user ? update : create;
  const errors = fieldErrors(mutation.error);

  const submit = useSubmitOnce(async (idempotencyKey) => {
    try {
      const saved = user
        ? await update.mutateAsync({ id: user.id, name, email, role })
        : await create.mutateAsync({ idempotencyKey, name, email, role });
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
  });

  return (
    <FormModal
      title={user ? `Edit ${user.name}` : 'New user'}
      onClose={onClose}
      onSubmit={submit}
      pending={mutation.isPending}
      error={mutation.error}
      hasFieldErrors={Object.keys(errors).length > 0}
      submitLabel={user ? 'Save' : 'Create user'}
    >
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
    </FormModal>
  );
}
