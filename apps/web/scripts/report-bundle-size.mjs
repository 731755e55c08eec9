// Prints the gzip size of the JavaScript that the first page load fetches (index.html's
// scripts and their static imports), against the 300 KB budget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
const entry = Object.values(manifest).find((chunk) => chunk.isEntry);
const seen = new Set();
const visit = (key) => {
  const chunk = manifest[key] ?? Object.values(manifest).find((c) => c.file === key);
  if (!chunk || seen.has(chunk.file)) return;
  seen.add(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
visit(Object.keys(manifest).find((k) => manifest[k] === entry));
let total = 0;
for (const file of seen) {
  const size = gzipSync(readFileSync(join(dist, file))).length;
  total += size;
  console.log(`  ${file.padEnd(40)} ${(size / 1024).toFixed(1)} KB gzip`);
}
const budget = 300 * 1024;
console.log(
  `initial JavaScript: ${(total / 1024).toFixed(1)} KB gzip (budget 300 KB: ${total <= budget ? 'within' : 'OVER'})`,
);
if (total > budget) process.exitCode = 1;
