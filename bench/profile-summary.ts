/**
 * `tsx bench/profile-summary.ts FILE.cpuprofile [N]`: where the time went, by package (our src/, each
 * node_modules package, node internals) and by function (self time), the N heaviest of each, as shares of the
 * time the thread was busy from the first HTTP request on: start-up (compiling the templates, generating keys) is
 * not what a benchmark measures, and took a tenth of a silent-SSO profile.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, limit = '25'] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx bench/profile-summary.ts FILE.cpuprofile [N]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

/** Whether a sample's stack runs in Koa's request handler (ours, plain oidc-provider's and the bare one alike). */
function inRequest(id: number | undefined): boolean {
  for (; id !== undefined; id = parentOf.get(id)) {
    const { functionName, url } = byId.get(id)!.callFrame;
    if (functionName === 'handleRequest' && url.includes('/koa/lib/application')) return true;
  }
  return false;
}
const first = Math.max(0, profile.samples.findIndex((id) => inRequest(id)));

const self = new Map<number, number>();
profile.samples.forEach((id, i) => {
  if (i >= first) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
// Shares are of the time the thread was busy: idle time depends on the load, not on the code.
const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
for (const id of idle) self.delete(id);
const total = [...self.values()].reduce((a, b) => a + b, 0);

function packageOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  // The benchmark runs ours compiled, as `npm start` does: dist/x.js is src/x.ts.
  const ours = /\/(?:src|dist)\/(.*)$/.exec(url);
  if (ours) return `src/${ours[1]}`;
  return url.startsWith('node:') ? 'node internals' : url;
}

const add = (map: Map<string, number>, key: string, value: number) => map.set(key, (map.get(key) ?? 0) + value);
const packages = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, time] of self) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  const pkg = packageOf(url, functionName);
  add(packages, pkg.startsWith('src/') ? 'src (ours)' : pkg, time);
  add(functions, `${functionName || '(anonymous)'} ${pkg}:${lineNumber + 1}`, time);
}
const top = (map: Map<string, number>) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(limit))
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
process.stdout.write(`${(total / 1e6).toFixed(1)} s busy sampled from the first request on\n\nby package (self time)\n${top(packages)}\n\nby function (self time)\n${top(functions)}\n`);
