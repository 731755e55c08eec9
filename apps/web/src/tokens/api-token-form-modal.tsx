import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  NumberInput,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { type ApiTokenScope, createApiTokenInput } from '@worklets/validators/api-tokens';
import { useState } from 'react';
import { fieldErrors } from '../lib/api-errors.ts';
import { FormModal } from '../lib/form-modal.tsx';
import { trpc } from '../trpc.ts';

type Values = { name: string; scope: ApiTokenScope; expiresInDays: number | string };

export const scopeLabels: Record<ApiTokenScope, string> = { read: 'Read only', read_write: 'Read and write' };

/** New API token: name, scope and lifetime; then its secret, shown this once. */
export function ApiTokenFormModal({ onClose }: { onClose: () => void }) {
  const utils = trpc.useUtils();
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const form = useForm<Values>({
    initialValues: { name: '', scope: 'read', expiresInDays: 90 },
    validate: schemaResolver(createApiTokenInput, { sync: true }),
  });
  const create = trpc.apiTokens.create.useMutation();
  const errors = { ...fieldErrors(create.error), ...form.errors };

  async function submit() {
    if (form.validate().hasErrors) return;
    const { name, scope, expiresInDays } = form.getValues();
    try {
      const result = await create.mutateAsync({ name, scope, expiresInDays: Number(expiresInDays) });
      await utils.apiTokens.invalidate();
      setCreated({ name: result.token.name, secret: result.secret });
    } catch {
      // Shown in the form.
    }
  }

  if (created) return <SecretModal name={created.name} secret={created.secret} onClose={onClose} />;
  return (
    <FormModal
      title="New API token"
      onClose={onClose}
      onSubmit={() => void submit()}
      pending={create.isPending}
      error={create.error}
      hasFieldErrors={Object.keys(errors).length > 0}
      submitLabel="Create token"
    >
      <TextInput
        label="Name"
        description="The service that will use it"
        required
        {...form.getInputProps('name')}
        error={errors.name}
        data-autofocus
      />
      <Select
        label="Scope"
        data={Object.entries(scopeLabels).map(([value, label]) => ({ value, label }))}
        {...form.getInputProps('scope')}
        allowDeselect={false}
        error={errors.scope}
      />
      <NumberInput
        label="Expires in (days)"
        min={1}
        max={365}
        allowDecimal={false}
        {...form.getInputProps('expiresInDays')}
        error={errors.expiresInDays}
      />
    </FormModal>
  );
}

function SecretModal({ name, secret, onClose }: { name: string; secret: string; onClose: () => void }) {
  return (
    <Modal opened onClose={onClose} title={`Token “${name}” created`} closeButtonProps={{ 'aria-label': 'Close' }}>
      <Stack>
        <Alert color="orange" title="Copy it now">
          This is the only time the token is shown. Worklets keeps only a hash of it.
        </Alert>
        <Code block aria-label="API token" data-testid="api-token-secret" style={{ wordBreak: 'break-all' }}>
          {secret}
        </Code>
        <Text size="sm">
          Send it as <Code>Authorization: Bearer …</Code> to the REST API at <Code>/api/v1</Code>.
        </Text>
        <Group justify="flex-end">
          <CopyButton value={secret}>
            {({ copied, copy }) => (
              <Button variant="light" onClick={copy} data-autofocus>
                {copied ? 'Copied' : 'Copy token'}
              </Button>
            )}
          </CopyButton>
          <Button onClick={onClose}>Done</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
