/** `engines` says what runs the server: the Node the tests run on and the image's Node both satisfy it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };

/** `>=major.minor`, the only form package.json uses: [major, minor]. */
function lowerBound(range: string): [number, number] {
  const match = /^>=(\d+)\.(\d+)$/.exec(range);
  if (!match) throw new Error(`engines.node: expected >=major.minor, got ${range}`);
  return [Number(match[1]), Number(match[2])];
}

const atLeast = ([major, minor]: [number, number], [wantMajor, wantMinor]: [number, number]) => major > wantMajor || (major === wantMajor && minor >= wantMinor);

describe('engines.node', () => {
  const bound = lowerBound(pkg.engines.node);

  test('the Node running these tests satisfies it', () => {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    expect(atLeast([major, minor], bound)).toBe(true);
  });

  test("the image's Node major satisfies it", () => {
    const image = /^ARG NODE_IMAGE=node:(\d+)-/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    expect(image).not.toBeNull();
    expect(Number(image![1])).toBeGreaterThan(bound[0]);
  });

  test('it is no lower than what a production dependency asks for (a plain ">=major.minor" of its own)', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; engines?: { node?: string } }> };
    const floors = Object.entries(lock.packages)
      .filter(([name, entry]) => name && !entry.dev)
      .flatMap(([name, entry]) => {
        const match = /^>=\s*(\d+)\.(\d+)(\.\d+)?$/.exec(entry.engines?.node ?? '');
        return match ? [{ name, floor: [Number(match[1]), Number(match[2])] as [number, number] }] : [];
      });
    expect(floors.length).toBeGreaterThan(0);
    expect(floors.filter(({ floor }) => !atLeast(bound, floor))).toEqual([]);
  });
});
