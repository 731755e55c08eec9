/** The request paths the host decides on, as the URL standard resolves them. */

/** The path as the URL standard resolves it (what better-auth routes on), or null when it does not parse. */
export function normalisePath(url: string): string | null {
  try {
    return new URL(url, 'http://host.invalid').pathname;
  } catch {
    return null;
  }
}

export const isApi = (path: string) => path === '/api' || path.startsWith('/api/');
export const isTrpc = (path: string) => path.startsWith('/api/trpc/');
export const isRestApi = (path: string) => path === '/api/v1' || path.startsWith('/api/v1/');
