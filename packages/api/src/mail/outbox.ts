/**
 * The mail outbox (issue 10): mail is written to the `outbox` table in the transaction of
 * the change it is about, so it exists exactly when the change commits; the server's mail
 * worker (apps/server/src/mail-worker.ts) sends it, at least once, with the Message-ID
 * chosen here (one per mail, the same on every retry, so a receiver can drop duplicates).
 */
import { randomUUID } from 'node:crypto';
import type { Prisma, SqlClient } from '@worklets/db';

/**
 * Where links in mail point, and whether mail is sent at all: the server sets `publicUrl` to
 * its PUBLIC_URL and `sending` to whether SMTP is configured, at start (as it replaces
 * `errorLog`); the API has no configuration of its own.
 */
export const mailSite: { publicUrl: string; sending: boolean; linkKey: Buffer | null } = {
  publicUrl: 'http://localhost:3000',
  sending: false,
  /** The key that seals account links in the outbox (sealed-link.ts); set with `sending`. */
  linkKey: null,
};

/** A link to `path` on the public URL. */
export function siteLink(path: string): string {
  return `${mailSite.publicUrl.replace(/\/$/, '')}${path}`;
}

export type QueuedMail = {
  kind: Prisma.OutboxMailCreateManyInput['kind'];
  recipientId: number | null;
  toEmail: string;
  subject: string;
  textBody: string;
  htmlBody: string;
  batchId?: number | null;
  /** An account mail's link, sealed (sealed-link.ts); the bodies hold its placeholder. */
  sealedLink?: string | null;
};

/** A Message-ID that names this mail for good, on the host of the public URL. */
function newMessageId(): string {
  return `<outbox-${randomUUID()}@${new URL(mailSite.publicUrl).hostname}>`;
}

/** Queues `mails` in the caller's transaction: one INSERT, whatever their number. */
export async function queueMails(
  tx: SqlClient,
  mails: QueuedMail[],
): Promise<{ id: number; recipientId: number | null }[]> {
  if (mails.length === 0) return [];
  const col = <K extends keyof QueuedMail>(key: K) => mails.map((m) => m[key] ?? null);
  return tx.$queryRaw<{ id: number; recipientId: number | null }[]>`
    INSERT INTO outbox (kind, recipient_id, to_email, subject, text_body, html_body, batch_id, sealed_link, message_id)
    SELECT k::"MailKind", r, t, s, tb, hb, b, sl, mid
    FROM unnest(${col('kind')}::text[], ${col('recipientId')}::int[], ${col('toEmail')}::text[],
                ${col('subject')}::text[], ${col('textBody')}::text[], ${col('htmlBody')}::text[],
                ${col('batchId')}::int[], ${col('sealedLink')}::text[], ${mails.map(() => newMessageId())}::text[])
         WITH ORDINALITY AS x(k, r, t, s, tb, hb, b, sl, mid, i)
    ORDER BY i
    RETURNING id, recipient_id AS "recipientId"`;
}

/** Text made safe for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The simple HTML of a mail: paragraphs (already escaped) and a link button (`href` escaped here). */
export function htmlMail(paragraphs: string[], link: { href: string; label: string }): string {
  const body = paragraphs.map((p) => `<p>${p}</p>`).join('\n');
  return `<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5">
${body}
<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>
</body></html>`;
}
