/**
 * Notifications of assignment changes (issue 10), queued by `applyMentorChangesMany` in the
 * transaction of the change: each mentor concerned (assigned, removed, role changed,
 * replaced as Primary, reactivated) and, when a mentor joins a worklet, its other active
 * mentors. One mail per person per batch: a single change is a notification, more (a bulk
 * change, an import, an undo) a digest. Users who turned notifications off, inactive users
 * and users who have no password yet (they get their invitation instead) get none. A
 * constant number of statements a call, whatever the batch's size.
 */
import type { MentorRole, SqlClient } from '@worklets/db';
import type { Actor, LockedWorklet, MentorChange } from '../assignments/mentor-changes.ts';
import type { BatchRecorder } from '../batches/batch-recorder.ts';
import { escapeHtml, type QueuedMail, queueMails, siteLink } from './outbox.ts';

type Planned = { worklet: LockedWorklet; change: MentorChange };
/** One sentence about one worklet, for one recipient. */
type Item = { recipientId: number; worklet: { id: number; title: string }; text: string };

const mentorOf = (c: MentorChange) => (c.kind === 'assign' ? c.mentor : c.assignment.mentor);
const roleAfter = (c: MentorChange): MentorRole | null => (c.kind === 'deactivate' ? null : c.role);

/** What one change says to the mentor it changes. */
function ownSentence(change: MentorChange, title: string, actor: Actor, newPrimary: string | null): string {
  const wasPrimary = change.kind !== 'assign' && change.assignment.isActive && change.assignment.roleType === 'Primary';
  const replaced = wasPrimary && newPrimary !== null && roleAfter(change) !== 'Primary';
  switch (change.kind) {
    case 'assign':
      return `You were assigned to “${title}” as ${change.role} by ${actor.name}.`;
    case 'reactivate':
      return `You were assigned to “${title}” again, as ${change.role}, by ${actor.name}.`;
    case 'changeRole':
      return replaced
        ? `${newPrimary} replaced you as Primary on “${title}”; your role is now ${change.role}.`
        : `Your role on “${title}” is now ${change.role} (was ${change.assignment.roleType}), changed by ${actor.name}.`;
    case 'deactivate':
      return replaced
        ? `${newPrimary} replaced you as Primary on “${title}”; you were removed from it by ${actor.name}.`
        : `You were removed from “${title}” by ${actor.name}.`;
  }
}

/** The sentences of one worklet's changes, for the mentors concerned and their co-mentors. */
function workletItems(worklet: LockedWorklet, changes: MentorChange[], actor: Actor): Item[] {
  const ref = { id: worklet.id, title: worklet.title };
  const newPrimary = changes.find((c) => roleAfter(c) === 'Primary');
  // The Primary it replaces hears "X replaced you", not also "X joined".
  const formerPrimary = newPrimary
    ? worklet.assignments.find((a) => a.isActive && a.roleType === 'Primary' && a.mentorId !== mentorOf(newPrimary).id)
    : undefined;
  const active = new Set(worklet.assignments.filter((a) => a.isActive).map((a) => a.mentorId));
  for (const c of changes) {
    if (c.kind === 'deactivate') active.delete(c.assignment.mentorId);
    else active.add(mentorOf(c).id);
  }
  const items: Item[] = [];
  for (const change of changes) {
    const mentor = mentorOf(change);
    const text = ownSentence(change, worklet.title, actor, newPrimary ? mentorOf(newPrimary).name : null);
    items.push({ recipientId: mentor.id, worklet: ref, text });
    if (change.kind === 'assign' || change.kind === 'reactivate') {
      for (const other of active) {
        if (other !== mentor.id && !(change === newPrimary && other === formerPrimary?.mentorId))
          items.push({
            recipientId: other,
            worklet: ref,
            text: `${mentor.name} joined “${worklet.title}” as ${change.role}.`,
          });
      }
    }
  }
  return items;
}

/** The users among `ids` who get notifications: active, a password set, notifications on. */
async function reachableRecipients(tx: SqlClient, ids: number[]) {
  if (ids.length === 0) return new Map<number, Recipient>();
  const rows = await tx.$queryRaw<Recipient[]>`
    SELECT u.id, u.email, u.name FROM users u
    WHERE u.id = ANY(${ids}::int[]) AND u.is_active AND u.notifications_enabled
      AND EXISTS (SELECT 1 FROM accounts a WHERE a.user_id = u.id AND a.provider_id = 'credential' AND a.password IS NOT NULL)`;
  return new Map(rows.map((r) => [r.id, r]));
}

const settingsLink = () => siteLink('/settings/notifications');

/** One mail with all of a recipient's items of the batch. */
function composeMail(to: Recipient, items: Item[], batchId: number): QueuedMail {
  const single = items.length === 1 ? items[0]! : null;
  const subject = single ? single.text.replace(/\.$/, '') : `${items.length} changes to your worklets`;
  const intro = single ? '' : `${items.length} changes to your worklets:\n\n`;
  const footer = `You get this mail because your Worklets notifications are on. Turn them off: ${settingsLink()}`;
  const textItems = items.map((i) => `${single ? '' : '- '}${i.text}\n  ${siteLink(`/worklets/${i.worklet.id}`)}`);
  const htmlItems = items.map(
    (i) =>
      `<li>${escapeHtml(i.text)} <a href="${escapeHtml(siteLink(`/worklets/${i.worklet.id}`))}">Open “${escapeHtml(i.worklet.title)}”</a></li>`,
  );
  return {
    kind: single ? 'notification' : 'digest',
    recipientId: to.id,
    toEmail: to.email,
    subject,
    batchId,
    textBody: `Hello ${to.name},\n\n${intro}${textItems.join('\n')}\n\n--\n${footer}\n`,
    htmlBody: `<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5">
<p>Hello ${escapeHtml(to.name)},</p>
${single ? '' : `<p>${items.length} changes to your worklets:</p>\n`}<ul>
${htmlItems.join('\n')}
</ul>
<p style="font-size: small">You get this mail because your Worklets notifications are on. <a href="${escapeHtml(settingsLink())}">Turn them off</a>.</p>
</body></html>`,
  };
}

type Recipient = { id: number; email: string; name: string };

/**
 * What a batch has queued so far. A save may call the writer once per worklet (a bulk
 * change, an undo) with the same recorder: a person's second item updates their row of
 * the batch (same Message-ID) rather than queueing a second mail.
 */
type BatchMail = { items: Map<number, Item[]>; recipients: Map<number, Recipient | null>; rows: Map<number, number> };
const batchMail = new WeakMap<BatchRecorder, BatchMail>();

/** Rewrites queued rows of the batch with their recipients' longer lists: one UPDATE. */
async function updateQueued(tx: SqlClient, mails: (QueuedMail & { id: number })[]): Promise<void> {
  if (mails.length === 0) return;
  const col = <K extends keyof (typeof mails)[number]>(key: K) => mails.map((m) => m[key]);
  await tx.$executeRaw`
    UPDATE outbox o SET kind = u.kind::"MailKind", subject = u.subject, text_body = u.text, html_body = u.html
    FROM unnest(${col('id')}::int[], ${col('kind')}::text[], ${col('subject')}::text[], ${col('textBody')}::text[],
                ${col('htmlBody')}::text[]) AS u(id, kind, subject, text, html)
    WHERE o.id = u.id AND o.sent_at IS NULL`;
}

/** Queues one notification or digest per person concerned by the batch's changes. */
export async function queueChangeNotifications(tx: SqlClient, planned: Planned[], actor: Actor, batch: BatchRecorder) {
  const state = batchMail.get(batch) ?? { items: new Map(), recipients: new Map(), rows: new Map() };
  batchMail.set(batch, state);
  const byWorklet = new Map<number, { worklet: LockedWorklet; changes: MentorChange[] }>();
  for (const { worklet, change } of planned) {
    const group = byWorklet.get(worklet.id) ?? { worklet, changes: [] };
    group.changes.push(change);
    byWorklet.set(worklet.id, group);
  }
  const touched = new Set<number>();
  for (const { worklet, changes } of byWorklet.values()) {
    for (const item of workletItems(worklet, changes, actor)) {
      // A deactivated user is not told, one mail per worklet, what their deactivation ended.
      if (batch.kind === 'user_deactivation' && item.recipientId === batch.subjectUserId) continue;
      touched.add(item.recipientId);
      state.items.set(item.recipientId, [...(state.items.get(item.recipientId) ?? []), item]);
    }
  }
  const unknown = [...touched].filter((id) => !state.recipients.has(id));
  const found = await reachableRecipients(tx, unknown);
  for (const id of unknown) state.recipients.set(id, found.get(id) ?? null);
  const batchId = await batch.id(tx);
  const mails = [...touched].flatMap((id) => {
    const to = state.recipients.get(id);
    return to ? [composeMail(to, state.items.get(id)!, batchId)] : [];
  });
  const fresh = mails.filter((m) => !state.rows.has(m.recipientId!));
  for (const row of await queueMails(tx, fresh)) state.rows.set(row.recipientId!, row.id);
  await updateQueued(
    tx,
    mails.filter((m) => !fresh.includes(m)).map((m) => ({ ...m, id: state.rows.get(m.recipientId!)! })),
  );
}
