/**
 * The key store (signing key generations, cookie keys) sealed at rest: with KEYS_ENCRYPTION_KEY set, each
 * record is stored as a JWE (jose, `dir` + A256GCM) whose protected header names the record, so Redis never
 * holds a private key in plain text and one sealed record cannot stand in for another. Records written in plain
 * text before the key was set are read as they are and sealed on that read; without the key, plain records
 * are kept as today (development).
 */
import { CompactEncrypt, compactDecrypt } from 'jose';
import { SettingsError } from '../config/settings-error.js';
import type { Collection, IndexPage } from '../storage/collection.js';

interface Sealed {
  sealed: string;
}

/** Stops start-up with a message for the operator (no stack): the stored keys cannot be read with this configuration. */
export class KeyStoreError extends SettingsError {
  override name = 'KeyStoreError';
}

const isSealed = (value: object): value is Sealed => typeof (value as Partial<Sealed>).sealed === 'string';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class SealedKeyStore<T extends object> implements Collection<T> {
  constructor(
    private readonly inner: Collection<T | Sealed>,
    private readonly key: Uint8Array | undefined,
  ) {}

  async get(id: string): Promise<T | undefined> {
    const raw = await this.inner.get(id);
    if (raw === undefined) return undefined;
    const value = await this.#open(id, raw);
    // Written before KEYS_ENCRYPTION_KEY was set: seal it now (a concurrent change wins; read it again then).
    if (this.key && !isSealed(raw) && !(await this.inner.compareAndReplace(id, raw, await this.#seal(id, value)))) return this.get(id);
    return value;
  }

  // Key records are read by id only: a sealed record is checked against the id it was sealed for.
  async getByAlias(): Promise<T | undefined> {
    throw new Error('the key store is read by id only');
  }

  async list(): Promise<T[]> {
    throw new Error('the key store is read by id only');
  }

  count(): Promise<number> {
    return this.inner.count();
  }

  async entries(): Promise<[string, T][]> {
    throw new Error('the key store is read by id only');
  }

  // Sealed records are never indexed.
  async indexPage(): Promise<IndexPage> {
    return { members: [], total: 0 };
  }

  async insert(id: string, value: T, alias?: string): Promise<boolean> {
    return this.inner.insert(id, await this.#seal(id, value), alias);
  }

  async replace(id: string, value: T): Promise<boolean> {
    return this.inner.replace(id, await this.#seal(id, value));
  }

  /** Ciphertexts differ on every seal: compare what they open to, then swap against the exact stored text. */
  async compareAndReplace(id: string, expected: T, next: T): Promise<boolean> {
    const raw = await this.inner.get(id);
    if (raw === undefined || JSON.stringify(await this.#open(id, raw)) !== JSON.stringify(expected)) return false;
    return this.inner.compareAndReplace(id, raw, await this.#seal(id, next));
  }

  async remove(id: string): Promise<T | undefined> {
    const raw = await this.inner.remove(id);
    return raw === undefined ? undefined : this.#open(id, raw);
  }

  async #seal(id: string, value: T): Promise<T | Sealed> {
    if (!this.key) return value;
    const jwe = await new CompactEncrypt(encoder.encode(JSON.stringify(value)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', cty: 'json', rid: id })
      .encrypt(this.key);
    return { sealed: jwe };
  }

  async #open(id: string, raw: T | Sealed): Promise<T> {
    if (!isSealed(raw)) return raw;
    if (!this.key) {
      throw new KeyStoreError(`the keys kept in Redis (${id}) are encrypted: set KEYS_ENCRYPTION_KEY (or KEYS_ENCRYPTION_KEY_FILE) to the key they were encrypted with`);
    }
    let opened;
    try {
      opened = await compactDecrypt(raw.sealed, this.key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    } catch {
      throw new KeyStoreError(`KEYS_ENCRYPTION_KEY does not decrypt the keys kept in Redis (${id}): it is not the key they were encrypted with`);
    }
    if (opened.protectedHeader.rid !== id) throw new KeyStoreError(`the keys kept in Redis under ${id} were sealed for ${String(opened.protectedHeader.rid)}: refused`);
    return JSON.parse(decoder.decode(opened.plaintext)) as T;
  }
}
