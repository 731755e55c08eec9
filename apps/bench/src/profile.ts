/**
 * `pnpm bench --profile`: the Worklets server runs with V8's sampling profiler
 * (`node --cpu-prof`, written when it exits). This reads the profile (the documented
 * `.cpuprofile` JSON: nodes with call frames, samples and time deltas) and prints where
 * the server's CPU went: self time by package or source folder, and the hottest functions.
 * Open the file in Chrome DevTools (Performance) or speedscope for the whole call tree.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number } };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

/** The server's NODE_OPTIONS for a profile written into `dir`. */
export function profileNodeOptions(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return `--cpu-prof --cpu-prof-dir=${dir} --cpu-prof-interval=200`;
}

/** A package (node_modules/.pnpm/<name>@.../node_modules/<name>) or the app's folder, from a script URL. */
function owner(url: string): string {
  if (!url) return '(V8: GC, idle, native)';
  if (url.startsWith('node:')) return 'node (core)';
  const pkg = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1]!;
  const app = url.match(/(apps|packages)\/([^/]+)\/(?:dist|src)\/([^/]+)/);
  return app ? `${app[1]}/${app[2]}/${app[3]}` : url.replace(/^file:\/\//, '');
}

/** Prints the top `limit` owners and functions by self time of the server's profile in `dir`. */
export function printProfile(dir: string, limit = 15): void {
  // The largest: start.sh's own short `node -p` writes one too.
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const newest = files.sort((a, b) => statSync(join(dir, a)).size - statSync(join(dir, b)).size).at(-1);
  if (!newest) return void console.log(`\nProfile: none written in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, newest), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') idle += us;
    else total += us;
    if (frame.functionName === '(idle)') continue;
    const who = owner(frame.url);
    owners.set(who, (owners.get(who) ?? 0) + us);
    const name = `${frame.functionName || '(anonymous)'}  ${who}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const top = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(
        ([name, us]) =>
          `  ${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`,
      )
      .join('\n');
  console.log(
    `\nProfile of the Worklets server (${join(dir, newest)}): ${(total / 1000).toFixed(0)} ms busy, ${(idle / 1000).toFixed(0)} ms idle or program`,
  );
  console.log(`Self time by package or source folder:\n${top(owners)}`);
  console.log(`Hottest functions (self time):\n${top(functions)}`);
}
