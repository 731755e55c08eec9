import { Alert, Button, CopyButton, Group, Modal, Stack, Text, TextInput } from '@mantine/core';

export type ShownLink = {
  kind: 'invitation' | 'password_reset';
  name: string;
  link: string;
  expiresAt: Date;
  /** The user was just created (the dialog says so). */
  created?: boolean;
};

const expiry = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

/**
 * A one-time link an admin just made (an invitation, a password reset), to copy and send:
 * programs without mail hand it over themselves; with mail it was also emailed.
 */
export function AccountLinkModal({ shown, onClose }: { shown: ShownLink; onClose: () => void }) {
  const invitation = shown.kind === 'invitation';
  return (
    <Modal
      opened
      onClose={onClose}
      title={invitation ? `Invitation for ${shown.name}` : `Password reset link for ${shown.name}`}
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <Stack>
        {shown.created && (
          <Text size="sm" fw={500} role="status">
            {shown.name} was created.
          </Text>
        )}
        <Text size="sm">
          Send this link to {shown.name}. It works once, until {expiry.format(shown.expiresAt)}; opening it lets them{' '}
          {invitation ? 'choose a password and sign in' : 'choose a new password'}. When mail is set up, it has been
          emailed too. Any earlier link for {shown.name} no longer works.
        </Text>
        <TextInput label={invitation ? 'Invitation link' : 'Reset link'} value={shown.link} readOnly data-autofocus />
        <Group justify="space-between">
          <CopyButton value={shown.link}>
            {({ copied, copy }) => (
              <Button color={copied ? 'green' : undefined} onClick={copy}>
                {copied ? 'Link copied' : 'Copy link'}
              </Button>
            )}
          </CopyButton>
          <Button variant="default" onClick={onClose}>
            Done
          </Button>
        </Group>
        <Alert color="blue" variant="light">
          Only share it with {shown.name}: whoever opens it first sets the password.
        </Alert>
      </Stack>
    </Modal>
  );
}
