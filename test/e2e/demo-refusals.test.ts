/** `npm run demo` with REDIS_URL: when it cannot load its demo data there, one line says why, and it exits 1. */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { freePort } from '../support/ports.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function demo(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/spa/demo.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const demoLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('npm run demo:'));

describe('npm run demo on Redis, refused', () => {
  test('an unreachable Redis, DEMO=false and production each give one line and exit 1', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const unreachable = await demo({ REDIS_URL: url, REDIS_CONNECT_TIMEOUT_MS: '300', PORT: String(await freePort()) });
    expect(unreachable.code).toBe(1);
    expect(demoLines(unreachable.stderr)).toEqual([expect.stringMatching(/^npm run demo: cannot reach Redis at .*REDIS_URL/)]);
    expect(unreachable.stderr).not.toMatch(/\n\s+at /);

    const off = await demo({ REDIS_URL: url, DEMO: 'false' });
    expect(off.code).toBe(1);
    expect(demoLines(off.stderr)).toEqual(['npm run demo: DEMO=false: the demo needs its client and users (unset DEMO)']);

    const production = await demo({ REDIS_URL: url, NODE_ENV: 'production' });
    expect(production.code).toBe(1);
    expect(demoLines(production.stderr)).toEqual([expect.stringContaining('DEMO must be off')]);
  });
});
