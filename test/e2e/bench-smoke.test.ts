/** `npm run bench -- --smoke` runs end to end and writes a result of the documented shape with no errors. No speed is asserted. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from '@jest/globals';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'oidc-op-bench-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the smoke run measures every scenario against its baselines without an error', async () => {
  const out = join(dir, 'result.json');
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['bench/run.ts', '--smoke', '--out', out], {
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
    meta: { machine: { cores: number }; options: { smoke: boolean } };
    results: { scenario: string; target: string; median: Record<string, number> }[];
    ratios: Record<string, number>;
  };
  expect(result.meta.options.smoke).toBe(true);
  const pairs = result.results.map((r) => `${r.scenario} ${r.target}`).sort();
  expect(pairs).toEqual(
    [
      'discovery bare-koa', 'discovery ours', 'discovery oidc-provider-memory',
      'interactive ours', 'interactive oidc-provider-memory',
      'jwks bare-koa', 'jwks ours', 'jwks oidc-provider-memory',
      'silent ours', 'silent oidc-provider-memory',
      'silent-id-token ours', 'silent-id-token oidc-provider-memory',
      'userinfo ours', 'userinfo oidc-provider-memory',
    ].sort(),
  );
  for (const r of result.results) {
    expect(r.median).toMatchObject({ errors: 0, rate: expect.any(Number), p50: expect.any(Number), p99: expect.any(Number), peakRssMiB: expect.any(Number) });
    expect(r.median.operations).toBeGreaterThan(0);
    if (r.target === 'ours') expect(r.median.redisPerOp).toEqual(expect.any(Number));
  }
  expect(Object.keys(result.ratios)).toEqual(expect.arrayContaining(['silent: ours / oidc-provider memory (target >= 0.9)', 'silent: Redis commands per authorization, ours (target <= 8)']));
}, 240_000);

test('the memory scenario signs one person in, mirrors what that left for each synthetic user, and reports it', async () => {
  const out = join(dir, 'memory.json');
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['bench/run.ts', '--scenario', 'memory', '--users', '300', '--out', out], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect({ code, output }).toMatchObject({ code: 0 });

  const { memory } = JSON.parse(readFileSync(out, 'utf8')) as { memory: { users: number; keysPerUser: number; bytesPerUser: number; perSignIn: Record<string, unknown> } };
  expect(memory).toMatchObject({ users: 300, bytesPerUser: expect.any(Number) });
  // A sign-in leaves its session, the uid's bucket and the account's grants, and for the hour of its access token
  // that token and its grant's token index; each synthetic user gets the first three (a bucket shared once dense).
  expect(Object.keys(memory.perSignIn).sort()).toEqual(['oidc:AccessToken:{*}', 'oidc:Grant:{*}:tokens', 'oidc:Grants:{*}', 'oidc:Session:{*}', 'oidc:SessionUids:{*}']);
  expect(memory.keysPerUser).toBeGreaterThan(2);
  expect(memory.keysPerUser).toBeLessThanOrEqual(3);
}, 120_000);
