/**
 * The web app's JavaScript as users download it: apps/web/dist/assets/*.js, raw and gzip
 * (default level, like the server's static handler). Only read: the build is someone else's.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from './dataset.ts';

export type BundleReport =
  | { built: false; folder: string }
  | {
      built: true;
      folder: string;
      files: { file: string; bytes: number; gzipBytes: number }[];
      totalBytes: number;
      totalGzipBytes: number;
    };

export function webBundleSize(folder = join(repoRoot, 'apps/web/dist/assets')): BundleReport {
  if (!existsSync(folder)) return { built: false, folder };
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((file) => {
      const content = readFileSync(join(folder, file));
      return { file, bytes: content.length, gzipBytes: gzipSync(content).length };
    });
  if (files.length === 0) return { built: false, folder };
  return {
    built: true,
    folder,
    files,
    totalBytes: files.reduce((a, f) => a + f.bytes, 0),
    totalGzipBytes: files.reduce((a, f) => a + f.gzipBytes, 0),
  };
}
