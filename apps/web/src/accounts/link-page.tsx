import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { newPassword } from '@worklets/validators/passwords';
import { email as emailSchema, personName } from '@worklets/validators/users';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import type { z } from 'zod';
import { trpc } from '../trpc.ts';
import { acceptAccountLink } from './account-requests.ts';
import { PublicPage } from './public-page.tsx';

export type LinkPurpose = 'invite' | 'reset' | 'setup';

const titles: Record<LinkPurpose, string> = {
  invite: 'Welcome to Worklets',
  reset: 'Choose a new password',
  setup: 'Create the first admin',
};

const intros: Record<LinkPurpose, string> = {
  invite: 'Choose a password to finish setting up your account. You will be signed in right away.',
  reset: 'Choose a new password. Your other sessions will be signed out.',
  setup: 'No admin exists yet on this server. Enter your details to become its first admin.',
};

const badLinkMessage = 'This link has expired or was already used; ask your coordinator for a new one.';

/** The link's secret, read once from the fragment, which is then removed from the address bar. */
function useLinkSecret(): string {
  const [secret] = useState(() => {
    const value = window.location.hash.slice(1);
    if (value) window.history.replaceState(null, '', window.location.pathname);
    return value;
  });
  return secret;
}

/** The first message of `schema` for `value` (parsed asynchronously: the password check loads its list). */
async function firstError(schema: z.ZodType, value: string): Promise<string | undefined> {
  const result = await schema.safeParseAsync(value);
  return result.success ? undefined : result.error.issues[0]?.message;
}

function BadLink() {
  // Focus moves to the answer: the form the person was typing in is gone.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <PublicPage>
      <Stack>
        <Title order={1} size="h2" ref={heading} tabIndex={-1}>
          This link does not work
        </Title>
        <Alert color="red" role="alert">
          {badLinkMessage}
        </Alert>
        <Anchor href="/">Go to sign-in</Anchor>
      </Stack>
    </PublicPage>
  );
}

/** /invite, /reset and /setup: set a password with a one-time link (the secret is in the URL fragment). */
export function LinkPage({ purpose }: { purpose: LinkPurpose }) {
  const secret = useLinkSecret();
  const utils = trpc.useUtils();
  const [, navigate] = useLocation();
  const [values, setValues] = useState({ name: '', email: '', password: '' });
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [badLink, setBadLink] = useState(!secret);
  const [busy, setBusy] = useState(false);
  const setup = purpose === 'setup';

  async function validate() {
    const found = {
      password: await firstError(newPassword, values.password),
      ...(setup
        ? { name: await firstError(personName, values.name), email: await firstError(emailSchema, values.email) }
        : {}),
    };
    setErrors(found);
    return Object.values(found).every((e) => !e);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    if (!(await validate())) return;
    setBusy(true);
    const answer = await acceptAccountLink({
      token: secret,
      password: values.password,
      ...(setup ? { name: values.name.trim(), email: values.email.trim() } : {}),
    });
    setBusy(false);
    if (answer.ok) {
      navigate('/', { replace: true });
      await utils.users.me.invalidate();
      return;
    }
    if (answer.badLink) return setBadLink(true);
    if (answer.field) setErrors({ [answer.field]: answer.message });
    else setFormError(answer.message);
  }

  if (badLink) return <BadLink />;
  const field = (name: 'name' | 'email') => ({
    value: values[name],
    onChange: (e: { currentTarget: { value: string } }) => setValues({ ...values, [name]: e.currentTarget.value }),
    error: errors[name],
    required: true,
  });
  return (
    <PublicPage>
      <form onSubmit={submit} aria-labelledby="link-title" noValidate>
        <Stack>
          <Title order={1} size="h2" id="link-title">
            {titles[purpose]}
          </Title>
          <Text c="dimmed" size="sm">
            {intros[purpose]}
          </Text>
          {formError && (
            <Alert color="red" role="alert">
              {formError}
            </Alert>
          )}
          {setup && <TextInput label="Your name" autoComplete="name" {...field('name')} autoFocus />}
          {setup && <TextInput label="Email" type="email" autoComplete="username" {...field('email')} />}
          <PasswordInput
            label="New password"
            description="At least 12 characters; not a common password."
            autoComplete="new-password"
            required
            value={values.password}
            onChange={(e) => setValues({ ...values, password: e.currentTarget.value })}
            error={errors.password}
            autoFocus={!setup}
          />
          <Button type="submit" loading={busy}>
            {purpose === 'reset'
              ? 'Save password and sign in'
              : setup
                ? 'Create admin and sign in'
                : 'Set password and sign in'}
          </Button>
        </Stack>
      </form>
    </PublicPage>
  );
}
