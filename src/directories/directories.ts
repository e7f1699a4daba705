/**
 * The directories an administrator configured: create, list, show, change, delete, validated as one record each.
 * One code path for the command line, the admin API and the console. Sign-in reads them with their bind password
 * opened; every other reader gets a view without it.
 */
import { z } from 'zod';
import { RecordError, updateRecord, type Collection } from '../storage/collection.js';
import { openPassword, sealPassword } from './bind-password-seal.js';
import { directoryInputSchema, toDirectoryView, type DirectoryInput, type DirectoryRecord, type DirectoryView } from './directory-record.js';

export class DirectoryError extends RecordError {
  override name = 'DirectoryError';
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new DirectoryError(result.error.issues.map((i) => (i.message.includes(':') ? i.message : `${i.path.join('.') || 'directory'}: ${i.message}`)).join('; '), 'invalid');
  }
  return result.data;
}

/** A change: the fields given are set (null clears an optional one: groupBase, groupFilter, userFilter, ca). */
export type DirectoryChange = Partial<Record<Exclude<keyof DirectoryInput, 'name'>, unknown>>;

const CLEARABLE = ['userFilter', 'groupBase', 'groupFilter', 'ca', 'passwordMaxAgeSeconds'] as const;

export class Directories {
  constructor(
    private readonly records: Collection<DirectoryRecord>,
    /** KEYS_ENCRYPTION_KEY: the bind password is sealed with it when set. */
    private readonly key: Uint8Array | undefined,
  ) {}

  async create(input: unknown): Promise<DirectoryView> {
    const valid = parse(directoryInputSchema, input);
    const now = new Date().toISOString();
    const record: DirectoryRecord = { ...valid, bindPassword: await sealPassword(this.key, valid.name, valid.bindPassword), createdAt: now, updatedAt: now };
    if (!(await this.records.insert(valid.name, record))) throw new DirectoryError(`directory ${valid.name}: already exists`, 'exists');
    return toDirectoryView(record);
  }

  async list(): Promise<DirectoryView[]> {
    return (await this.#ordered()).map(toDirectoryView);
  }

  async require(name: string): Promise<DirectoryView> {
    return toDirectoryView(await this.#require(name));
  }

  async update(name: string, change: DirectoryChange): Promise<DirectoryView> {
    if (typeof change !== 'object' || change === null || Array.isArray(change)) throw new DirectoryError('directory: an object of fields to change', 'invalid');
    if ('name' in change) throw new DirectoryError('name: a directory cannot be renamed (its users\' records name it); create another', 'invalid');
    const current = await this.#require(name);
    const { createdAt: _c, updatedAt: _u, ...fields } = current;
    const merged: Record<string, unknown> = { ...fields, bindPassword: await openPassword(this.key, name, current.bindPassword) };
    for (const [field, value] of Object.entries(change)) {
      if (value === undefined) continue;
      if (value === null && (CLEARABLE as readonly string[]).includes(field)) delete merged[field];
      else merged[field] = value;
    }
    const valid = parse(directoryInputSchema, merged);
    const bindPassword = 'bindPassword' in change && change.bindPassword !== undefined ? await sealPassword(this.key, name, valid.bindPassword) : current.bindPassword;
    const next = (stored: DirectoryRecord): DirectoryRecord => ({ ...valid, bindPassword, createdAt: stored.createdAt, updatedAt: new Date().toISOString() });
    return toDirectoryView(await updateRecord(this.records, name, next, () => new DirectoryError(`directory ${name}: not found`, 'not_found')));
  }

  async delete(name: string): Promise<DirectoryView> {
    const removed = await this.records.remove(name);
    if (!removed) throw new DirectoryError(`directory ${name}: not found`, 'not_found');
    return toDirectoryView(removed);
  }

  /** The directories in sign-in order, their bind passwords opened: for the sign-in and `directory test` only. */
  async forSignIn(): Promise<DirectoryRecord[]> {
    return Promise.all((await this.#ordered()).map(async (d) => ({ ...d, bindPassword: await openPassword(this.key, d.name, d.bindPassword) })));
  }

  async #ordered(): Promise<DirectoryRecord[]> {
    return (await this.records.list()).sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  }

  async #require(name: string): Promise<DirectoryRecord> {
    const record = await this.records.get(name);
    if (!record) throw new DirectoryError(`directory ${name}: not found`, 'not_found');
    return record;
  }
}
