/**
 * `npm run bench -- --smoke` runs end to end and writes a result of the documented shape with no errors, here with
 * `--against HEAD` (ours at a git revision, checked out beside this one and removed after). No speed is asserted.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from '@jest/globals';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'oidc-op-bench-'));
const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the smoke run measures every scenario against its baselines and another revision without an error', async () => {
  const out = join(dir, 'result.json');
  const head = git('rev-parse', '--short', 'HEAD');
  const worktrees = git('worktree', 'list');
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['bench/run.ts', '--smoke', '--against', 'HEAD', '--out', out], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect({ code, output }).toMatchObject({ code: 0 });

  const result = JSON.parse(readFileSync(out, 'utf8')) as {
    meta: { machine: { cores: number }; options: { smoke: boolean; against: string } };
    results: { scenario: string; target: string; median: Record<string, number>; runs: { operations: number; verified?: number }[] }[];
    ratios: Record<string, number>;
  };
  expect(result.meta.options).toMatchObject({ smoke: true, against: head });
  const pairs = result.results.map((r) => `${r.scenario} ${r.target}`).sort();
  const scenarios = ['discovery', 'interactive', 'interactive-totp', 'jwks', 'silent', 'silent-id-token', 'userinfo'];
  expect(pairs).toEqual(
    [
      ...scenarios.map((s) => `${s} ours@${head}`),
      'discovery bare-koa', 'discovery ours', 'discovery oidc-provider-memory',
      'interactive ours', 'interactive oidc-provider-memory',
      'interactive-totp ours',
      'jwks bare-koa', 'jwks ours', 'jwks oidc-provider-memory',
      'silent ours', 'silent oidc-provider-memory',
      'silent-id-token ours', 'silent-id-token oidc-provider-memory',
      'userinfo ours', 'userinfo oidc-provider-memory',
    ].sort(),
  );
  for (const r of result.results) {
    expect(r.median).toMatchObject({ errors: 0, rate: expect.any(Number), p50: expect.any(Number), p99: expect.any(Number), peakRssMiB: expect.any(Number) });
    expect(r.median.operations).toBeGreaterThan(0);
    if (r.target.startsWith('ours')) expect(r.median.redisPerOp).toEqual(expect.any(Number));
    // Every ID token a run received was verified after it (signature, issuer, audience, nonce, at_hash).
    if (['silent', 'silent-id-token', 'interactive', 'interactive-totp'].includes(r.scenario)) expect(r.runs.map((run) => run.verified)).toEqual(r.runs.map((run) => run.operations));
  }
  expect(Object.keys(result.ratios)).toEqual(
    expect.arrayContaining([
      'silent: ours / oidc-provider memory (target >= 0.9)',
      'silent: Redis commands per authorization, ours (target <= 8)',
      'userinfo: ours / oidc-provider memory (target >= 0.9)',
      'userinfo: Redis commands per request, ours (target <= 1)',
      'interactive-totp: ours / ours interactive, password only (target >= 0.9)',
      ...scenarios.map((s) => `${s}: ours / ours at ${head} (--against)`),
    ]),
  );
  // The revision's checkout is gone again.
  expect(git('worktree', 'list')).toBe(worktrees);
}, 240_000);
