/**
 * The built web app as the server serves it (@fastify/static): hashed assets cached for a
 * year with ETag/304 and gzip, index.html for client-side routes, and no web page for
 * unknown API paths.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from './test-server.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let dist: string;
let s: TestServer;
const script = `console.log(${JSON.stringify('worklets '.repeat(500))});`;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'wl-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Worklets</title><div id="root"></div>');
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), script);
  s = await startTestServer({ config: { webDist: dist } });
});

afterAll(async () => {
  await s?.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('static files', () => {
  it('serves hashed assets immutable, with an ETag that answers 304, gzip when asked', async () => {
    const res = await fetch(`${s.url}/assets/index-abc123.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(script);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    // (fetch would add `cache-control: no-cache` to a conditional request, as the Fetch standard says.)
    const again = await s.app.inject({ url: '/assets/index-abc123.js', headers: { 'if-none-match': etag! } });
    expect(again.statusCode).toBe(304);
    const gzip = await s.app.inject({ url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.rawPayload.length).toBeLessThan(script.length / 4);
  });

  it('answers client-side routes with index.html (not cached), and unknown API paths with JSON 404', async () => {
    for (const path of ['/', '/worklets/12', '/users?role=admin']) {
      const res = await fetch(`${s.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toContain('<div id="root">');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    }
    const api = await fetch(`${s.url}/api/nothing-here`);
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe('NOT_FOUND');
    const traversal = await s.app.inject({ url: '/assets/../../../etc/passwd' });
    expect(traversal.body).not.toContain('root:');
  });
});
