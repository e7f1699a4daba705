/**
 * Turns a failed zod parse into a SettingsError whose message names where each issue is (a variable, or a file and
 * the field inside it) and the rule it broke, all issues in one line.
 */
import type { z } from 'zod';
import { SettingsError } from './settings-error.js';

export function issuesText(error: z.ZodError, where: (path: PropertyKey[]) => string): string {
  return error.issues.map((i) => `${where(i.path)}: ${i.message}`).join('; ');
}

/** A field's place in a JSON document as written: `[0].redirect_uris[1]`; `(root)` for the document itself. */
function jsonPath(path: PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(root)';
}

/** The value as `schema` types it, or a SettingsError naming `label` and each field at fault. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, label: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new SettingsError(issuesText(result.error, (path) => `${label} ${jsonPath(path)}`));
  }
  return result.data;
}
