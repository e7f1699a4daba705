/** The references under docs/reference/ are what the generator prints from the code today: they cannot drift. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { z } from 'zod';
import { envSchema } from '../../src/config/env.js';
import { referenceRows, settingDocs } from '../../src/config/setting-doc.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { SETTING_KEYS } from '../../src/settings/provider-settings.js';
import { REGENERATE } from '../../scripts/reference/generated.js';
import { REFERENCES } from '../../scripts/reference/references.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** '' when the committed file is what the generator prints; else where they part and the command that fixes it. */
function staleness(path: string, generated: string): string {
  let committed: string;
  try {
    committed = readFileSync(join(ROOT, path), 'utf8');
  } catch {
    return `${path} is missing: run \`${REGENERATE}\``;
  }
  if (committed === generated) return '';
  const a = committed.split('\n');
  const b = generated.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? a.length : line;
  return `${path} differs from the code from line ${at + 1}: run \`${REGENERATE}\` and commit the result\n  committed: ${a[at] ?? '(end of file)'}\n  generated: ${b[at] ?? '(end of file)'}`;
}

describe('generated references', () => {
  test.each(REFERENCES.map((r) => [r.path, r.render] as const))('%s is up to date', (path, render) => {
    expect(staleness(path, render())).toBe('');
  });

  test('every environment variable carries its documentation on its schema', () => {
    const undocumented = Object.entries(envSchema.shape)
      .filter(([, schema]) => !settingDocs.get(schema as z.ZodType))
      .map(([name]) => name);
    expect(undocumented).toEqual([]);
    const rows = referenceRows(envSchema.shape);
    expect(rows.find((row) => row.name === 'PORT')).toMatchObject({ type: 'whole number, 0 to 65535', default: '3000' });
    expect(rows.find((row) => row.name === 'LOG_LEVEL')?.type).toBe('fatal | error | warn | info | debug | trace | silent');
    expect(rows.find((row) => row.name === 'REDIS_URL')?.default).toBeUndefined();
  });

  test('an undocumented variable is named, not skipped', () => {
    expect(() => referenceRows({ ...envSchema.shape, NEW_THING: z.string().optional() })).toThrow(/^NEW_THING: no documentation on its schema/);
  });

  test('the references name every variable, runtime setting, command and action', () => {
    const [configuration, cli] = REFERENCES.map((r) => r.render());
    for (const name of Object.keys(envSchema.shape)) expect(configuration).toContain(`#### \`${name}\``);
    for (const key of SETTING_KEYS) expect(configuration).toContain(`### \`${key}\``);
    for (const command of COMMANDS) {
      expect(cli).toContain(`## \`${command.name}\``);
      for (const action of Object.keys(command.actions ?? {})) expect(cli).toContain(`### \`${command.name} ${action}\``);
    }
  });
});
