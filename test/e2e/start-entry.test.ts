/**
 * The server's entry (src/start.cts, `node dist/start.cjs`) sizes libuv's thread pool before anything uses it.
 * The entry is compiled as the build compiles it and started in a directory of its own, in front of a stand-in
 * main.js that reports what the process really has: the pool's threads exist only once used, so it uses the pool,
 * then counts the process's threads.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';

const ROOT = join(import.meta.dirname, '..', '..');
const STAND_IN = `
import { readdirSync } from 'node:fs';
import { pbkdf2 } from 'node:crypto';
await new Promise((resolve, reject) => pbkdf2('p', 's', 1, 32, 'sha256', (err) => (err ? reject(err) : resolve())));
process.stdout.write(JSON.stringify({ size: process.env.UV_THREADPOOL_SIZE, threads: readdirSync('/proc/self/task').length }));
`;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'oidc-op-start-'));
  const config = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: ts.CompilerOptions };
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT);
  const { outputText } = ts.transpileModule(readFileSync(join(ROOT, 'src', 'start.cts'), 'utf8'), { compilerOptions: options, fileName: 'start.cts' });
  writeFileSync(join(dir, 'start.cjs'), outputText);
  writeFileSync(join(dir, 'main.js'), STAND_IN);
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function started(env: Record<string, string>): Promise<{ size: string; threads: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['start.cjs'], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env } });
  return JSON.parse(stdout) as { size: string; threads: number };
}

describe('the entry sizes the thread pool', () => {
  test('one thread per core unless the operator gives UV_THREADPOOL_SIZE, which is kept', async () => {
    const cores = availableParallelism();
    const byDefault = await started({});
    expect(byDefault.size).toBe(String(cores));
    const given = await started({ UV_THREADPOOL_SIZE: String(cores + 3) });
    expect(given.size).toBe(String(cores + 3));
    // The threads really started: three more pool threads, nothing else different between the two processes.
    expect(given.threads - byDefault.threads).toBe(3);
  });
});
