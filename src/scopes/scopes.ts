/**
 * Scopes as administrators define them: a display name and description per language (shown on the consent
 * page, `{user}` and `{client_name}` filled in), the claims the scope releases, an icon, and whether new clients
 * get it by default. config/scopes.json gives the starting set; what an administrator creates or changes is kept
 * in Redis and wins by id.
 */
import { z } from 'zod';
import { STANDARD_SCOPES } from '../oidc/claims.js';
import { claimNameProblem, scopeClaimProblem } from '../oidc/claim-names.js';
import { BUILT_IN_SCOPES } from './built-in-scopes.js';
import type { LocalizedText } from '../config/localized-text.js';
import type { ScopeConfig } from '../config/scope-schema.js';
import { RecordError, updateRecord, type Collection } from '../storage/collection.js';

export interface ScopeRecord extends ScopeConfig {
  icon?: string;
  /** Given to new clients that are created without a list of allowed scopes. */
  default?: boolean;
}

export class ScopeError extends RecordError {
  override name = 'ScopeError';
}

const text = (field: string, max: number) =>
  z.union([
    z.string().trim().min(1, `${field}: required`).max(max, `${field}: at most ${max} characters`),
    z.object({ en: z.string().trim().min(1, `${field}.en: required`).max(max), 'zh-CN': z.string().trim().min(1).max(max).optional() }, { error: `${field}: a text, or {"en": …, "zh-CN": …}` }).strict(),
  ]);

const scopeSchema = z.object({
  id: z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,64}$/, 'id: a scope token (printable ASCII, no space, quote or backslash)'),
  name: text('name', 80),
  description: text('description', 300),
  claims: z
    .array(z.string())
    .max(100, 'claims: at most 100 per scope')
    .default([])
    .superRefine((claims, ctx) => {
      const problem = claims.map(scopeClaimProblem).find(Boolean);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  display: z
    .record(z.string(), text('display', 80))
    .superRefine((display, ctx) => {
      const problem = Object.keys(display).map((c) => claimNameProblem(c, true)).find(Boolean);
      if (problem) ctx.addIssue({ code: 'custom', message: `display: ${problem}` });
      if (Object.keys(display).length > 100) ctx.addIssue({ code: 'custom', message: 'display: at most 100 claims' });
    })
    .optional(),
  icon: z.string().regex(/^[\w-]{1,40}$/, 'icon: a short icon name (letters, digits, - and _)').optional(),
  default: z.boolean().default(false),
});

export interface ScopeInput {
  id: string;
  name: LocalizedText;
  description: LocalizedText;
  claims?: string[];
  /** Consent-page names of the claims, per claim (and per language). */
  display?: Record<string, LocalizedText>;
  icon?: string;
  default?: boolean;
}

/** A scope checked and normalized as the store keeps it; throws ScopeError naming the field and the rule. */
export function parseScope(input: unknown): ScopeRecord {
  const result = scopeSchema.safeParse(input);
  if (!result.success) throw new ScopeError(result.error.issues.map((i) => i.message).join('; '), 'invalid');
  const { icon, default: isDefault, display, ...rest } = result.data;
  return { ...rest, ...(display && Object.keys(display).length ? { display } : {}), ...(icon ? { icon } : {}), ...(isDefault ? { default: true } : {}) };
}

export class Scopes {
  constructor(
    private readonly records: Collection<ScopeRecord>,
    private readonly configured: readonly ScopeConfig[],
  ) {}

  /** Every scope in force: the configured ones, replaced or joined by the administrator's, by id. */
  async list(): Promise<ScopeRecord[]> {
    const byId = new Map<string, ScopeRecord>([...BUILT_IN_SCOPES, ...this.configured].map((s) => [s.id, s]));
    for (const record of await this.records.list()) byId.set(record.id, record);
    return [...byId.values()];
  }

  async require(id: string): Promise<ScopeRecord> {
    const scope = (await this.list()).find((s) => s.id === id);
    if (!scope) throw new ScopeError(`scope ${id}: not found`, 'not_found');
    return scope;
  }

  async create(input: ScopeInput): Promise<ScopeRecord> {
    const scope = parseScope(input);
    if ((await this.list()).some((s) => s.id === scope.id)) throw new ScopeError(`scope ${scope.id}: already exists`, 'exists');
    if (!(await this.records.insert(scope.id, scope))) throw new ScopeError(`scope ${scope.id}: already exists`, 'exists');
    return scope;
  }

  /** Changes what is given; a configured scope changed here is kept in Redis from then on. */
  async update(id: string, change: Partial<Omit<ScopeInput, 'id'>>): Promise<ScopeRecord> {
    const current = await this.require(id);
    const given = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
    const next = parseScope({ ...current, ...given, id });
    if (await this.records.insert(id, next)) return next;
    return updateRecord(this.records, id, (stored) => parseScope({ ...stored, ...given, id }));
  }

  /** Removes an administrator's scope; the standard scopes and those of config/scopes.json stay (change them instead). */
  async delete(id: string): Promise<ScopeRecord> {
    if ((STANDARD_SCOPES as readonly string[]).includes(id) || BUILT_IN_SCOPES.some((s) => s.id === id) || this.configured.some((s) => s.id === id)) {
      throw new ScopeError(`scope ${id}: a standard or configured scope cannot be deleted; update its texts instead`, 'invalid');
    }
    const removed = await this.records.remove(id);
    if (!removed) throw new ScopeError(`scope ${id}: not found`, 'not_found');
    return removed;
  }
}
