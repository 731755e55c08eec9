/**
 * A summary of a V8 CPU profile (`node --cpu-prof`): self time by function and by package,
 * to see where the Worklets server spends its CPU under load (`pnpm bench --profile`).
 */
import { readFileSync } from 'node:fs';

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
};
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

export type ProfileSummary = {
  file: string;
  totalMs: number;
  /** Self time by package. */
  byPackage: { name: string; ms: number; share: number }[];
  /** Time with a frame of the package anywhere on the stack (what calling into it costs). */
  inclusiveByPackage: { name: string; ms: number; share: number }[];
  byFunction: { name: string; ms: number; share: number }[];
};

/** Which package a script belongs to: node_modules package, workspace package, or Node. */
export function packageOf(url: string): string {
  if (!url) return '(native / V8)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const ws = /\/(packages|apps)\/([^/]+)\//.exec(url);
  if (ws) return `@worklets/${ws[2]}`;
  if (url.startsWith('node:')) return 'node (internals)';
  return url.replace(/^file:\/\//, '');
}

export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // The packages on each node's stack; the profiler's own work (stopping, serializing) is left out.
  const stackPackages = new Map<number, Set<string> | null>();
  const packagesOf = (id: number): Set<string> | null => {
    if (stackPackages.has(id)) return stackPackages.get(id)!;
    const node = byId.get(id)!;
    const up = parent.has(id) ? packagesOf(parent.get(id)!) : new Set<string>();
    const url = node.callFrame.url;
    let result: Set<string> | null = null;
    if (up !== null && !url.includes('profiler-hook') && url !== 'node:inspector') {
      result = new Set(up);
      if (url) result.add(packageOf(url));
    }
    stackPackages.set(id, result);
    return result;
  };
  const self = new Map<number, number>();
  // timeDeltas[i] is the time before sample i: attribute it to that sample's node.
  for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const [id, micros] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const stack = packagesOf(id);
    if (stack === null) continue;
    if (node.callFrame.functionName !== '(idle)' && node.callFrame.functionName !== '(program)') {
      for (const p of stack) inclusive.set(p, (inclusive.get(p) ?? 0) + micros);
    }
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    total += micros;
    const name = `${functionName || '(anonymous)'} ${url ? `${packageOf(url)}:${lineNumber + 1}` : ''}`.trim();
    fn.set(name, (fn.get(name) ?? 0) + micros);
    const p = functionName === '(garbage collector)' ? '(garbage collector)' : packageOf(url);
    pkg.set(p, (pkg.get(p) ?? 0) + micros);
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({ name, ms: Math.round(micros / 1000), share: total ? micros / total : 0 }));
  return {
    file,
    totalMs: Math.round(total / 1000),
    byPackage: rank(pkg),
    inclusiveByPackage: rank(inclusive),
    byFunction: rank(fn),
  };
}
