/**
 * Account emails (an invitation, a password reset), queued in the caller's transaction so
 * that the mail exists exactly when the change that asks for it commits. The outbox and
 * its worker send them (issue 10: the mail work fills this in); without mail configured,
 * nothing is sent and the admin copies the link from the screen instead.
 */
import type { Tx } from '../assignments/mentor-changes.ts';

export type AccountMail = {
  kind: 'invitation' | 'password_reset';
  to: { id: number; email: string; name: string };
  /** The one-time link on PUBLIC_URL. */
  link: string;
  expiresAt: Date;
};

/** Queues `mail` for sending (a no-op until the outbox exists). */
export async function queueAccountMail(_tx: Tx, _mail: AccountMail): Promise<void> {}
