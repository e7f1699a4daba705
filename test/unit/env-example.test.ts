/** `.env.example` names exactly the variables src/config/env.ts reads, and its defaults load. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { ENVIRONMENT_VARIABLES } from '../../src/config/env.js';
import { loadSettings } from '../../src/config/settings.js';

const ROOT = join(import.meta.dirname, '..', '..');
const entries = readFileSync(join(ROOT, '.env.example'), 'utf8')
  .split('\n')
  .filter((line) => /^[A-Z_0-9]+=/.test(line))
  .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);

describe('.env.example', () => {
  test('lists every variable src/config/env.ts reads, and no other', () => {
    expect(entries.map(([name]) => name).sort()).toEqual([...ENVIRONMENT_VARIABLES].sort());
  });

  test('its values are valid settings as they stand', () => {
    const settings = loadSettings(Object.fromEntries(entries));
    expect(settings.port).toBe(3000);
    expect(settings.redis).toBeUndefined();
  });
});
