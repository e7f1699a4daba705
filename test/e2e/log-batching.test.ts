/** Log lines are written in batches: whatever is in the batch still reaches stdout when the process exits or crashes. */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@jest/globals';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs `body` in a fresh node process with `logger` made by createLogger('info'); its stdout as log messages. */
function run(body: string): { status: number | null; messages: string[] } {
  const code = `import(${JSON.stringify(join(ROOT, 'src', 'logger.ts'))}).then(({ createLogger }) => { const logger = createLogger('info'); ${body} });`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  const messages = child.stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { msg: string }).msg);
  return { status: child.status, messages };
}

test('lines logged just before process.exit are written', () => {
  expect(run("logger.info('one'); logger.info('two'); process.exit(3);")).toEqual({ status: 3, messages: ['one', 'two'] });
});

test('lines logged just before an uncaught exception are written', () => {
  expect(run("logger.info('before'); setImmediate(() => { logger.error('last words'); throw new Error('crash'); });")).toEqual({ status: 1, messages: ['before', 'last words'] });
});
