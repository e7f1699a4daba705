/**
 * bench/profile-summary.ts on a made-up profile: start-up before the first request is left out, our compiled
 * modules (dist/, as the benchmark runs them) count as ours, and shares are of the busy time only.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from '@jest/globals';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'oidc-op-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });

test('counts only the time from the first request on, with dist/ as ours', () => {
  // root → compile (start-up, from node_modules/pug); root → handleRequest (koa) → find (dist/storage) ; root → (idle)
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 3, 5] },
      { id: 2, callFrame: frame('compile', 'file:///app/node_modules/pug/lib/index.js') },
      { id: 3, callFrame: frame('handleRequest', 'file:///app/node_modules/koa/lib/application.js'), children: [4] },
      { id: 4, callFrame: frame('find', 'file:///app/dist/storage/redis-adapter.js') },
      { id: 5, callFrame: frame('(idle)') },
    ],
    // 9 ms compiling, then 3 ms in Koa itself, 1 ms in ours, 50 ms idle, and 1 ms more of ours.
    samples: [2, 3, 4, 5, 4],
    timeDeltas: [9000, 3000, 1000, 50000, 1000],
  };
  const file = join(dir, 'made-up.cpuprofile');
  writeFileSync(file, JSON.stringify(profile));

  const out = execFileSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['bench/profile-summary.ts', file], { cwd: ROOT, encoding: 'utf8' });

  expect(out).toContain('0.0 s busy sampled from the first request on');
  expect(out).toMatch(/^\s*60\.0% {2}koa$/m);
  expect(out).toMatch(/^\s*40\.0% {2}src \(ours\)$/m);
  expect(out).toMatch(/^\s*40\.0% {2}find src\/storage\/redis-adapter\.js:1$/m);
  expect(out).not.toContain('pug');
});
