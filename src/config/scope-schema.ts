/**
 * A scope as config/scopes.json declares it: its consent texts and the claims it releases. The schema lives in
 * config/, the bottom layer that validates files, because the scopes domain, the engine and the pages above them
 * import its type.
 */
import { z } from 'zod';
import { localizedText } from './localized-text.js';
import { scopeClaimProblem } from '../oidc/claim-names.js';

const claimName = z.string().superRefine((name, ctx) => {
  const problem = scopeClaimProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** RFC 6749 3.3 scope-token characters. */
const scopeToken = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,64}$/, 'a scope token (printable ASCII, no space, quote or backslash)');

export const scopeConfigSchema = z
  .object({
    id: scopeToken,
    name: localizedText(80),
    description: localizedText(300),
    claims: z.array(claimName).max(100).default([]),
    /** What the consent page calls a claim the scope releases (per language; the raw name when not given). */
    display: z.record(claimName, localizedText(80)).optional(),
  })
  .strict();
export type ScopeConfig = z.infer<typeof scopeConfigSchema>;
