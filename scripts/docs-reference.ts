/**
 * `npm run docs:reference`: writes the references generated from the code (docs/reference/*.md);
 * `--check` writes nothing and exits 1, naming each file that differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCES } from './reference/references.js';

const root = join(import.meta.dirname, '..');
const check = process.argv.includes('--check');
let stale = 0;
for (const { path, render } of REFERENCES) {
  const file = join(root, path);
  const text = render();
  let committed: string | undefined;
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    committed = undefined;
  }
  if (committed === text) continue;
  if (check) {
    stale += 1;
    process.stderr.write(`${path} differs from the code\n`);
  } else {
    writeFileSync(file, text);
    process.stdout.write(`wrote ${path}\n`);
  }
}
if (stale) {
  process.stderr.write(`run \`npm run docs:reference\` to regenerate\n`);
  process.exitCode = 1;
}
