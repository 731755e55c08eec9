/** Sign-in and sign-out against the server's better-auth routes (same origin). */
export async function signIn(email: string, password: string): Promise<{ ok: true } | { ok: false; message: string }> {
  const res = await fetch('/api/auth/sign-in/email', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: email.trim().toLowerCase(), password }),
  });
  if (res.ok) return { ok: true };
  if (res.status === 429) return { ok: false, message: 'Too many attempts. Please wait a minute and try again.' };
  if (res.status === 401) return { ok: false, message: 'Wrong email or password, or the account is deactivated.' };
  const body = (await res.json().catch(() => null)) as { message?: string } | null;
  return { ok: false, message: body?.message ?? `Sign-in failed (${res.status}).` };
}

export async function signOut(): Promise<void> {
  await fetch('/api/auth/sign-out', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
}
