/**
 * Production build of the server: one ES module, dist/main.js, that `node` runs directly
 * (https://esbuild.github.io/api/#build).
 *
 * - The workspace packages (@worklets/*) ship TypeScript sources, so they are bundled in.
 * - Every other package stays external. pnpm gives each package only its own dependencies,
 *   so a bare `pg` in @worklets/db cannot be found from apps/server/dist; each external import
 *   is written as the relative path of the file it resolves to from the importing package.
 * - `import.meta.url` keeps meaning "this source file" in every bundled module, so paths that
 *   sources compute from it (.data/, prisma/migrations, apps/web/dist) stay right.
 */
import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const serverDir = dirname(fileURLToPath(import.meta.url));
const outdir = `${serverDir}/dist`;
const workspacePackage = /^@worklets\//;
const bareSpecifier = /^[^./]/;

/** @type {import('esbuild').Plugin} */
const externalsByPath = {
  name: 'externals-by-path',
  setup(b) {
    b.onResolve({ filter: bareSpecifier }, async (args) => {
      if (args.pluginData === 'resolving' || workspacePackage.test(args.path)) return undefined;
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'resolving',
      });
      if (resolved.errors.length) return { errors: resolved.errors };
      if (resolved.external) return { path: args.path, external: true };
      return { path: relative(outdir, resolved.path).split('\\').join('/'), external: true };
    });
  },
};

/** @type {import('esbuild').Plugin} */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const fromDist = relative(outdir, args.path).split('\\').join('/');
      const ownUrl = `new URL(${JSON.stringify(fromDist)}, import.meta.url).href`;
      const loader = args.path.endsWith('x') ? 'tsx' : args.path.match(/\.[cm]?ts$/) ? 'ts' : 'js';
      return { contents: source.replaceAll('import.meta.url', `(${ownUrl})`), loader };
    });
  },
};

const entry = process.argv[2] ?? 'src/main.ts';
await build({
  absWorkingDir: serverDir,
  entryPoints: { main: entry },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Node's own conditions only (esbuild would add "module"), so the files chosen here are
  // the ones Node itself would load.
  conditions: [],
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [externalsByPath, ownImportMetaUrl],
  banner: { js: `// Built by apps/server/build.mjs from ${entry}; run with node.` },
});
console.log(`built apps/server/dist/main.js from ${entry}`);
