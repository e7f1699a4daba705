/**
 * The upstream identity providers an administrator configured: create, list, show, change, delete, validated as one
 * record each. One code path for the command line, the admin API and the console. The sign-in reads them with their
 * client secret opened; every other reader gets a view without it.
 */
import { z } from 'zod';
import { RecordError, updateRecord, type Collection } from '../storage/collection.js';
import { openSecret, sealSecret } from './client-secret-seal.js';
import { idpInputSchema, toIdpView, type IdpRecord, type IdpView } from './idp-record.js';

export class IdpError extends RecordError {
  override name = 'IdpError';
}

function parse<T>(schema: z.ZodType<T, any>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new IdpError(result.error.issues.map((i) => (i.message.includes(':') ? i.message : `${i.path.join('.') || 'idp'}: ${i.message}`)).join('; '), 'invalid');
  }
  return result.data;
}

/** A change: the fields given are set (null clears an optional one); `oidc` and `saml` are merged field by field. */
export type IdpChange = Record<string, unknown>;

const CLEARABLE = ['logoUrl', 'groupsClaim'] as const;

export class Idps {
  constructor(
    private readonly records: Collection<IdpRecord>,
    /** KEYS_ENCRYPTION_KEY: the client secret is sealed with it when set. */
    private readonly key: Uint8Array | undefined,
  ) {}

  async create(input: unknown): Promise<IdpView> {
    const valid = parse(idpInputSchema, input);
    const now = new Date().toISOString();
    const record: IdpRecord = { ...valid, ...(valid.oidc ? { oidc: { ...valid.oidc, clientSecret: await sealSecret(this.key, valid.name, valid.oidc.clientSecret) } } : {}), createdAt: now, updatedAt: now };
    if (!(await this.records.insert(valid.name, record))) throw new IdpError(`idp ${valid.name}: already exists`, 'exists');
    return toIdpView(record);
  }

  async list(): Promise<IdpView[]> {
    return (await this.#ordered()).map(toIdpView);
  }

  async require(name: string): Promise<IdpView> {
    return toIdpView(await this.#require(name));
  }

  async update(name: string, change: IdpChange): Promise<IdpView> {
    if (typeof change !== 'object' || change === null || Array.isArray(change)) throw new IdpError('idp: an object of fields to change', 'invalid');
    if ('name' in change) throw new IdpError('name: an idp cannot be renamed (its users\' links name it); create another', 'invalid');
    if ('type' in change) throw new IdpError('type: an idp cannot change protocol; create another', 'invalid');
    const current = await this.#require(name);
    const { createdAt: _c, updatedAt: _u, ...fields } = current;
    const merged: Record<string, unknown> = { ...fields, ...(current.oidc ? { oidc: { ...current.oidc, clientSecret: await openSecret(this.key, name, current.oidc.clientSecret) } } : {}) };
    for (const [field, value] of Object.entries(change)) {
      if (value === undefined) continue;
      if (value === null && (CLEARABLE as readonly string[]).includes(field)) delete merged[field];
      else if ((field === 'oidc' || field === 'saml') && typeof value === 'object' && value !== null && typeof merged[field] === 'object') {
        // Field by field; null clears an optional one (saml.subjectAttribute, saml.nameIdFormat).
        const inner: Record<string, unknown> = { ...(merged[field] as object), ...value };
        for (const [k, v] of Object.entries(inner)) if (v === null) delete inner[k];
        merged[field] = inner;
      }
      else merged[field] = value;
    }
    const valid = parse(idpInputSchema, merged);
    const secretChanged = typeof change.oidc === 'object' && change.oidc !== null && 'clientSecret' in change.oidc;
    const oidc = valid.oidc && { ...valid.oidc, clientSecret: secretChanged || !current.oidc ? await sealSecret(this.key, name, valid.oidc.clientSecret) : current.oidc.clientSecret };
    const next = (stored: IdpRecord): IdpRecord => ({ ...valid, ...(oidc ? { oidc } : {}), createdAt: stored.createdAt, updatedAt: new Date().toISOString() });
    return toIdpView(await updateRecord(this.records, name, next, () => new IdpError(`idp ${name}: not found`, 'not_found')));
  }

  async delete(name: string): Promise<IdpView> {
    const removed = await this.records.remove(name);
    if (!removed) throw new IdpError(`idp ${name}: not found`, 'not_found');
    return toIdpView(removed);
  }

  /** One IdP with its client secret opened: for the sign-in and `idp test` only. */
  async forSignIn(name: string): Promise<IdpRecord | undefined> {
    const record = await this.records.get(name);
    if (!record?.oidc) return record;
    return { ...record, oidc: { ...record.oidc, clientSecret: await openSecret(this.key, name, record.oidc.clientSecret) } };
  }

  async #ordered(): Promise<IdpRecord[]> {
    return (await this.records.list()).sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  }

  async #require(name: string): Promise<IdpRecord> {
    const record = await this.records.get(name);
    if (!record) throw new IdpError(`idp ${name}: not found`, 'not_found');
    return record;
  }
}
