/**
 * Account emails (an invitation, a password reset), queued in the caller's transaction so
 * that the mail exists exactly when the change that asks for it commits. The outbox and
 * its worker send them. Without mail configured nothing is queued (the admin copies the link
 * from the screen). The link is stored sealed with the server's key, never in the bodies, and
 * the worker clears it and blanks the bodies once the mail is sent.
 */
import type { Tx } from '../assignments/mentor-changes.ts';
import { escapeHtml, htmlMail, mailSite, queueMails } from './outbox.ts';
import { linkPlaceholder, sealLink } from './sealed-link.ts';

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
  if (!mailSite.sending || !mailSite.linkKey) return;
  const { subject, lines, action } = wording(mail);
  // The bodies carry a placeholder; the link itself is stored sealed (sealed-link.ts).
  await queueMails(tx, [
    {
      kind: mail.kind,
      recipientId: mail.to.id,
      toEmail: mail.to.email,
      subject,
      textBody: `${lines.join('\n\n')}\n\n${action}: ${linkPlaceholder}\n`,
      htmlBody: htmlMail(lines.map(escapeHtml), { href: linkPlaceholder, label: action }),
      sealedLink: sealLink(mailSite.linkKey, mail.link),
    },
  ]);
}
