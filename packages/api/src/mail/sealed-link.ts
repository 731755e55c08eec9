/**
 * An account mail's one-time link at rest: encrypted (AES-256-GCM) with a key the server
 * derives from its secret, so the outbox, its backups and replicas never hold a usable link.
 * The mail's bodies carry `linkPlaceholder` where the link goes; the worker opens the link
 * and puts it in just before sending.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const linkPlaceholder = '{{account-link}}';

/** The key for `secret` (BETTER_AUTH_SECRET): the same in every process of a deployment. */
export function linkKey(secret: string): Buffer {
  return createHash('sha256').update(`worklets outbox links:${secret}`).digest();
}

export function sealLink(key: Buffer, link: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(link, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), sealed].map((b) => b.toString('base64url')).join('.');
}

/** The link, or an error when the value was not sealed with this key (or was changed). */
export function openLink(key: Buffer, value: string): string {
  const [iv, tag, sealed] = value.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !tag || !sealed) throw new Error('not a sealed link');
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8');
}

/** The mail's bodies with the link in place of the placeholder. */
export function withLink(body: string, link: string, html: boolean): string {
  const text = html ? link.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`) : link;
  return body.split(linkPlaceholder).join(text);
}
