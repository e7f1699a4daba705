/**
 * A scope as config/scopes.json declares it: its consent texts and the claims it releases. The schema lives in
 * config/, the bottom layer that validates files, because the scopes domain, the engine and the pages above them
 * import its type.
 */
import { z } from 'zod';
import { localizedText } from './localized-text.js';

/** RFC 6749 3.3 scope-token characters. */
const scopeToken = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,64}$/, 'a scope token (printable ASCII, no space, quote or backslash)');

export const scopeConfigSchema = z
  .object({
    id: scopeToken,
    name: localizedText(80),
    description: localizedText(300),
    claims: z.array(z.string().regex(/^\w{1,64}$/, 'a claim name')).default([]),
  })
  .strict();
export type ScopeConfig = z.infer<typeof scopeConfigSchema>;
