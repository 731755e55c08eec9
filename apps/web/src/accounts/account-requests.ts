/** The public account routes of the server (apps/server/src/account-routes.ts), same origin. */

export type AccountAnswer =
  | { ok: true; message?: string }
  | { ok: false; message: string; field?: string; badLink?: boolean };

async function post(path: string, body: unknown): Promise<AccountAnswer> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).catch(() => null);
  if (!res) return { ok: false, message: 'Could not reach Worklets.' };
  const json = (await res.json().catch(() => null)) as {
    message?: string;
    error?: { message?: string; field?: string; reason?: string };
  } | null;
  if (res.ok) return { ok: true, message: json?.message };
  if (res.status === 429) return { ok: false, message: 'Too many attempts. Please wait a minute and try again.' };
  return {
    ok: false,
    message: json?.error?.message ?? `Something went wrong (${res.status}).`,
    field: json?.error?.field,
    badLink: json?.error?.reason === 'link',
  };
}

/** Uses a one-time link: sets the password (and, for the setup link, name and email) and signs in. */
export function acceptAccountLink(body: { token: string; password: string; name?: string; email?: string }) {
  return post('/api/account/accept', body);
}

export function requestPasswordReset(email: string) {
  return post('/api/account/forgot', { email });
}
