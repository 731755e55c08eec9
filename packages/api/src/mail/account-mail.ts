/**
 * Account emails (an invitation, a password reset), queued in the caller's transaction so
 * that the mail exists exactly when the change that asks for it commits. The outbox and
 * its worker send them. Without mail configured nothing is queued (the admin copies the link
 * from the screen), so a one-time secret never waits in the outbox for a sender that does not
 * exist; once sent, the worker blanks the body of an account mail (the secret is in it).
 */
import type { Tx } from '../assignments/mentor-changes.ts';
import { escapeHtml, htmlMail, mailSite, queueMails } from './outbox.ts';

export type AccountMail = {
  kind: 'invitation' | 'password_reset';
  to: { id: number; email: string; name: string };
  /** The one-time link on PUBLIC_URL. */
  link: string;
  expiresAt: Date;
};

const until = (date: Date) => date.toISOString().slice(0, 16).replace('T', ' ');

/** The subject and paragraphs (plain text) of an account mail. */
function wording(mail: AccountMail): { subject: string; lines: string[]; action: string } {
  const expires = `The link works once, until ${until(mail.expiresAt)} UTC.`;
  return mail.kind === 'invitation'
    ? {
        subject: 'You are invited to Worklets',
        lines: [`Hello ${mail.to.name},`, 'You have been invited to Worklets. Choose a password to sign in.', expires],
        action: 'Accept the invitation',
      }
    : {
        subject: 'Reset your Worklets password',
        lines: [
          `Hello ${mail.to.name},`,
          'Someone asked to reset your Worklets password. If it was not you, ignore this mail.',
          expires,
        ],
        action: 'Choose a new password',
      };
}

/** Queues `mail` for sending (the outbox worker sends it once the transaction commits). */
export async function queueAccountMail(tx: Tx, mail: AccountMail): Promise<void> {
  if (!mailSite.sending) return;
  const { subject, lines, action } = wording(mail);
  await queueMails(tx, [
    {
      kind: mail.kind,
      recipientId: mail.to.id,
      toEmail: mail.to.email,
      subject,
      textBody: `${lines.join('\n\n')}\n\n${action}: ${mail.link}\n`,
      htmlBody: htmlMail(lines.map(escapeHtml), { href: mail.link, label: action }),
    },
  ]);
}
