/**
 * Serves the built web app (apps/web/dist): hashed assets cached for a year, gzip when the
 * browser takes it, and index.html for every other path so client-side routes work.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export function createStaticHandler(root: string) {
  const gzipCache = new Map<string, Buffer>();
  const available = existsSync(join(root, 'index.html'));

  return async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!available) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The web app is not built. Run: pnpm --filter @worklets/web build');
      return;
    }
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(root, pathname));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) file = join(root, 'index.html');
    const type = types[extname(file)] ?? 'application/octet-stream';
    const immutable = file.includes(`${sep}assets${sep}`);
    const headers: Record<string, string> = {
      'content-type': type,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    };
    if (type.startsWith('text/html')) {
      headers['content-security-policy'] =
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
      headers['x-frame-options'] = 'DENY';
      headers['referrer-policy'] = 'same-origin';
    }
    const compressible = /^(text\/|image\/svg|application\/json)/.test(type);
    if (compressible && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      let body = gzipCache.get(file);
      if (!body) {
        body = gzipSync(await readFile(file));
        gzipCache.set(file, body);
      }
      res.writeHead(200, {
        ...headers,
        'content-encoding': 'gzip',
        vary: 'accept-encoding',
        'content-length': String(body.length),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };
}
