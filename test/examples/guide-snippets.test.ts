/**
 * docs/connect-your-app.md cannot drift from the tested examples: every code block after a
 * `<!-- snippet: FILE#REGION -->` marker is byte for byte the region of that file.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { regionOf } from '../support/register-client.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const GUIDE = 'docs/connect-your-app.md';
const guide = readFileSync(join(ROOT, GUIDE), 'utf8');

interface Snippet {
  file: string;
  region: string;
  block: string | undefined;
  line: number;
}

/** Each marker with the fenced block right after it (blank lines between allowed). */
function snippets(markdown: string): Snippet[] {
  const found: Snippet[] = [];
  for (const match of markdown.matchAll(/<!-- snippet: ([^#\s]+)#([\w-]+) -->\n(?:\n)*(```[^\n]*\n([\s\S]*?)```\n)?/g)) {
    found.push({ file: match[1]!, region: match[2]!, block: match[4], line: markdown.slice(0, match.index).split('\n').length });
  }
  return found;
}

describe(GUIDE, () => {
  const all = snippets(guide);

  test('shows each example: its registration and its code', () => {
    const files = new Set(all.map((s) => s.file.split('/').slice(0, 2).join('/')));
    expect([...files].sort()).toEqual(['examples/apache', 'examples/node-backend', 'examples/spa-implicit', 'examples/spa-pkce']);
    for (const example of files) expect(all.some((s) => s.file === `${example}/register.sh` && s.region === 'register')).toBe(true);
    expect(guide).not.toMatch(/<!-- tested snippet/); // the skeleton's placeholders are all filled
    expect(guide.match(/<!-- snippet:/g)?.length).toBe(all.length); // no marker the pattern above missed
  });

  test.each(all.map((s) => [`${s.file}#${s.region} (line ${s.line})`, s] as const))('%s is the region of the tested file, byte for byte', (_, snippet) => {
    expect(snippet.block).toBeDefined(); // a code block follows the marker
    const path = join(ROOT, snippet.file);
    expect(existsSync(path)).toBe(true);
    const region = regionOf(readFileSync(path, 'utf8'), snippet.region);
    expect(region).toBeDefined();
    expect(snippet.block).toBe(region);
  });
});
