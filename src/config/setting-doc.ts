/**
 * The documentation a setting carries on its own schema: docs/reference/configuration.md is generated from it, so the
 * reference and what the code accepts cannot drift apart.
 */
import { z } from 'zod';

export interface SettingDoc {
  /** The reference's section the setting is listed under. */
  group: string;
  /** What it does, in a sentence or two (Markdown). */
  description: string;
  /** A value as it would be written; left out where any example would mislead (a secret, a key). */
  example?: string;
  /** The default in words, where the schema's own default is computed elsewhere (ISSUER from PORT…). */
  default?: string;
  /** The type in words, where the schema's kind does not say it (a union, free text with a rule). */
  type?: string;
}

/** Each environment variable's schema, registered with its documentation. */
export const settingDocs = z.registry<SettingDoc>();

/** What a value of a shared schema kind looks like (a whole number in a range, a switch, a URL…), for the reference. */
export const kinds = z.registry<{ type: string }>();

/** The schema under its `.default()` and `.optional()` wrappers. */
function unwrapped(schema: z.ZodType): z.ZodType {
  let inner = schema;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
  return inner;
}

export interface ReferenceRow {
  name: string;
  group: string;
  description: string;
  type: string;
  /** undefined: not set by default. */
  default: string | undefined;
  example: string | undefined;
}

/** One row per variable of an object schema, in the schema's order; a variable without its documentation throws. */
export function referenceRows(shape: Record<string, z.ZodType>): ReferenceRow[] {
  return Object.entries(shape).map(([name, schema]) => {
    const doc = settingDocs.get(schema);
    if (!doc) throw new Error(`${name}: no documentation on its schema (register it with settingDocs in src/config/env.ts)`);
    const inner = unwrapped(schema);
    const type = doc.type ?? kinds.get(inner)?.type ?? (inner instanceof z.ZodEnum ? inner.options.join(' | ') : 'text');
    const parsed = schema.safeParse(undefined);
    const given = parsed.success && parsed.data !== undefined ? (parsed.data === '' ? '(empty)' : String(parsed.data)) : undefined;
    return { name, group: doc.group, description: doc.description, type, default: doc.default ?? given, example: doc.example };
  });
}
