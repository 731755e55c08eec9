/**
 * The mail worker (issue 10): sends the `outbox` rows that the API queues in the
 * transactions of the changes they are about, over SMTP with nodemailer.
 *   - Claim: one statement takes up to `batchSize` due rows with FOR UPDATE SKIP LOCKED
 *     and pushes their next attempt a lease ahead, so several server processes never take
 *     the same row at once, and a process that dies mid-send leaves the row to be taken
 *     again when the lease ends: at least once, never lost.
 *   - Send with the row's own Message-ID (the same on every attempt: a receiver can drop
 *     a duplicate), then set sent_at. A failure counts the attempt, keeps a short error
 *     (no secrets) and backs off exponentially, up to `maxBackoffMs`.
 *   - Rounds every `intervalMs`, at once again while rows are waiting; `stop()` finishes
 *     the round in flight (the server calls it when it closes).
 *   - Once an hour, mail sent more than `keepSentDays` ago is deleted.
 */

import { openLink, withLink } from '@worklets/api';
import type { PrismaClient } from '@worklets/db';
import nodemailer from 'nodemailer';

export type MailWorkerOptions = {
  prisma: PrismaClient;
  smtpUrl: string;
  from: string;
  /** Opens the sealed links of account mail (`linkKey` of @worklets/api). */
  linkKey: Buffer;
  intervalMs?: number;
  batchSize?: number;
  /** How long a claimed row is left to its worker before another may take it. */
  leaseMs?: number;
  /** The wait after the first failure; doubled after each next one. */
  backoffMs?: number;
  maxBackoffMs?: number;
  keepSentDays?: number;
  log?: (message: string) => void;
};

type ClaimedMail = {
  id: number;
  to_email: string;
  subject: string;
  text_body: string;
  html_body: string;
  message_id: string;
  attempts: number;
  sealed_link: string | null;
};

/** A short, secret-free account of a failed send: the error's code and first line, no credentials. */
function shortError(error: unknown): string {
  const e = error as { code?: string; responseCode?: number; message?: string };
  const text = [e.code, e.responseCode, (e.message ?? String(error)).split('\n')[0]].filter(Boolean).join(' ');
  return text.replace(/\/\/[^/\s@]*@/g, '//').slice(0, 200);
}

export function startMailWorker(options: MailWorkerOptions) {
  const { prisma, from } = options;
  const intervalMs = options.intervalMs ?? 2_000;
  const batchSize = options.batchSize ?? 10;
  const leaseMs = options.leaseMs ?? 120_000;
  const backoffMs = options.backoffMs ?? 10_000;
  const maxBackoffMs = options.maxBackoffMs ?? 3_600_000;
  const keepSentDays = options.keepSentDays ?? 30;
  const log = options.log ?? (() => {});
  // A send ends (sent or failed) well within the lease, so no other worker takes a row
  // that is still being sent: about 40 s at worst against the 2-minute lease.
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });

  const claim = () =>
    prisma.$queryRaw<ClaimedMail[]>`
      UPDATE outbox SET next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
      WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= now()
                   ORDER BY next_attempt_at LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)
      RETURNING id, to_email, subject, text_body, html_body, message_id, attempts, sealed_link`;

  async function send(mail: ClaimedMail): Promise<void> {
    try {
      // An account mail's link is sealed at rest: opened here, for this send only.
      const link = mail.sealed_link ? openLink(options.linkKey, mail.sealed_link) : null;
      await transport.sendMail({
        from,
        to: mail.to_email,
        subject: mail.subject,
        text: link ? withLink(mail.text_body, link, false) : mail.text_body,
        html: link ? withLink(mail.html_body, link, true) : mail.html_body,
        messageId: mail.message_id,
      });
    } catch (error) {
      const delay = Math.min(backoffMs * 2 ** mail.attempts, maxBackoffMs);
      const reason = shortError(error);
      log(`mail ${mail.id} to ${mail.to_email} not sent (attempt ${mail.attempts + 1}): ${reason}`);
      await prisma.$executeRaw`
        UPDATE outbox SET attempts = attempts + 1, last_error = ${reason},
               next_attempt_at = now() + ${delay} * interval '1 millisecond'
        WHERE id = ${mail.id} AND sent_at IS NULL`;
      return;
    }
    // An account mail's link was its one-time secret: once sent, neither it nor the body is kept.
    await prisma.$executeRaw`
      UPDATE outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL, sealed_link = NULL,
             text_body = CASE WHEN kind IN ('invitation', 'password_reset') THEN '' ELSE text_body END,
             html_body = CASE WHEN kind IN ('invitation', 'password_reset') THEN '' ELSE html_body END
      WHERE id = ${mail.id}`;
  }

  let cleanedAt = 0;
  async function cleanUp(): Promise<void> {
    if (Date.now() - cleanedAt < 3_600_000) return;
    cleanedAt = Date.now();
    await prisma.$executeRaw`DELETE FROM outbox WHERE sent_at < now() - ${keepSentDays} * interval '1 day'`;
  }

  /** One round: claims due rows and sends them; the number claimed. */
  async function runOnce(): Promise<number> {
    await cleanUp();
    const claimed = await claim();
    // Side by side (a connection each), so the last of a round is not left waiting past its lease.
    await Promise.all(claimed.map(send));
    return claimed.length;
  }

  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let round: Promise<void> = Promise.resolve();

  function schedule(delay: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      round = runOnce().then(
        (count) => schedule(count === batchSize ? 0 : intervalMs),
        (error: unknown) => {
          log(`mail worker round failed: ${shortError(error)}`);
          schedule(intervalMs);
        },
      );
    }, delay);
  }
  schedule(0);

  return {
    runOnce,
    /** Stops taking rows; resolves once the round in flight is done and the transport closed. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await round;
      transport.close();
    },
  };
}

export type MailWorker = ReturnType<typeof startMailWorker>;
