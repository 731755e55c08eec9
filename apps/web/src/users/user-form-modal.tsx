import { Select, TextInput } from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import type { RouterOutputs } from '@worklets/api';
import { createUserInput, type UserRole, userRoles } from '@worklets/validators/users';
import type { ShownLink } from '../accounts/account-link-modal.tsx';
import { fieldErrors } from '../lib/api-errors.ts';
import { FormModal } from '../lib/form-modal.tsx';
import { useSubmitOnce } from '../lib/idempotency.ts';
import { trpc } from '../trpc.ts';

type User = RouterOutputs['users']['list']['items'][number];
type Values = { name: string; email: string; role: UserRole };

/**
 * Create a user, or edit one when `user` is given. Fields are checked in the browser with the
 * API's zod schema (the same messages); the server's field errors show in the same places.
 */
export function UserFormModal({
  onClose,
  onInvited,
  user,
}: {
  onClose: () => void;
  /** A new user's invitation link, to show to the admin. */
  onInvited?: (shown: ShownLink) => void;
  user?: User;
}) {
  const utils = trpc.useUtils();
  const form = useForm<Values>({
    initialValues: { name: user?.name ?? '', email: user?.email ?? '', role: user?.role ?? 'mentor' },
    validate: schemaResolver(createUserInput, { sync: true }),
  });
  const create = trpc.users.create.useMutation();
  const update = trpc.users.update.useMutation();
  const mutation = user ? update : create;
  const errors = { ...fieldErrors(mutation.error), ...form.errors };

  const submit = useSubmitOnce(async (idempotencyKey) => {
    if (form.validate().hasErrors) return;
    const { name, email, role } = form.getValues();
    try {
      if (user) {
        const saved = await update.mutateAsync({ id: user.id, name, email, role });
        notifications.show({ color: 'green', title: 'User saved', message: `${saved.name} (${saved.role})` });
      } else {
        // The invitation dialog that follows says the user was created (and gives their link).
        const created = await create.mutateAsync({ idempotencyKey, name, email, role });
        onInvited?.({ kind: 'invitation', name: created.user.name, created: true, ...created.invitation });
      }
      await Promise.all([utils.users.invalidate(), utils.mentors.invalidate()]);
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
      <TextInput label="Name" required {...form.getInputProps('name')} error={errors.name} data-autofocus />
      <TextInput label="Email" type="email" required {...form.getInputProps('email')} error={errors.email} />
      <Select
        label="Role"
        data={[...userRoles]}
        {...form.getInputProps('role')}
        allowDeselect={false}
        error={errors.role}
      />
    </FormModal>
  );
}
