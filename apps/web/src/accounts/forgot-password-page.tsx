import { Alert, Anchor, Button, Stack, Text, TextInput, Title } from '@mantine/core';
import { email as emailSchema } from '@worklets/validators/users';
import { type FormEvent, useRef, useState } from 'react';
import { requestPasswordReset } from './account-requests.ts';
import { PublicPage } from './public-page.tsx';

/** "Forgot password?": one answer whether or not the address has an account. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const answerRef = useRef<HTMLDivElement>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = emailSchema.safeParse(email);
    if (!parsed.success) return setError(parsed.error.issues[0]?.message);
    setError(undefined);
    setBusy(true);
    const answer = await requestPasswordReset(parsed.data);
    setBusy(false);
    if (!answer.ok) return setError(answer.message);
    setSent(answer.message ?? 'Check your email.');
    requestAnimationFrame(() => answerRef.current?.focus());
  }

  return (
    <PublicPage>
      <form onSubmit={submit} aria-labelledby="forgot-title" noValidate>
        <Stack>
          <Title order={1} size="h2" id="forgot-title">
            Forgot your password?
          </Title>
          {sent ? (
            <Alert color="blue" role="status" ref={answerRef} tabIndex={-1}>
              {sent}
            </Alert>
          ) : (
            <>
              <Text c="dimmed" size="sm">
                Enter the email address of your account. If mail is set up on this server, we send it a link to choose a
                new password; otherwise ask your coordinator for one.
              </Text>
              <TextInput
                label="Email"
                type="email"
                autoComplete="username"
                required
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                error={error}
                autoFocus
              />
              <Button type="submit" loading={busy}>
                Send reset link
              </Button>
            </>
          )}
          <Anchor href="/">Back to sign-in</Anchor>
        </Stack>
      </form>
    </PublicPage>
  );
}
