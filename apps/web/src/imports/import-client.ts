/**
 * The CSV import's two requests (the host's POST /api/import/assignments, which takes the
 * file as text/csv rather than tRPC's JSON): a preview, and an apply of what it showed.
 */
import type { ImportResult } from '@worklets/api/import';

export type { ImportResult };

class ImportError extends Error {}

async function send(file: File, query: string): Promise<ImportResult> {
  const res = await fetch(`/api/import/assignments?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: file,
  });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const message =
      res.status === 413 ? 'The file is larger than 2 MB: split it.' : (body?.error?.message ?? 'The import failed.');
    throw new ImportError(message);
  }
  return body as ImportResult;
}

export const previewFile = (file: File) => send(file, 'step=preview');
export const applyFile = (file: File, digest: string, allowOverCapacity: boolean) =>
  send(file, `step=apply&digest=${digest}${allowOverCapacity ? '&allowOverCapacity=yes' : ''}`);
