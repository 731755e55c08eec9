/** The signed-in user of a request, from its session cookie (better-auth, sessions table). */
import type { SessionUser } from '@worklets/api';
import type { Auth } from '@worklets/auth';
import { fromNodeHeaders } from 'better-auth/node';
import type { IncomingMessage } from 'node:http';

export async function sessionUser(auth: Auth, req: IncomingMessage): Promise<SessionUser | null> {
  if (!req.headers.cookie?.includes('worklets.session_token')) return null;
  const session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
  if (!session) return null;
  const user = session.user as typeof session.user & { role: SessionUser['role']; isActive: boolean };
  if (!user.isActive) return null;
  return { id: Number(user.id), name: user.name, email: user.email, role: user.role };
}
