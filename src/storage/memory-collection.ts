import type { Collection } from './collection.js';

/** The embedded default's store: structured clones, so callers never share mutable state with it. */
export class MemoryCollection<T> implements Collection<T> {
  readonly #records = new Map<string, { value: T; alias?: string }>();
  readonly #aliases = new Map<string, string>();

  async get(id: string): Promise<T | undefined> {
    const entry = this.#records.get(id);
    return entry && structuredClone(entry.value);
  }

  async getByAlias(alias: string): Promise<T | undefined> {
    const id = this.#aliases.get(alias);
    return id === undefined ? undefined : this.get(id);
  }

  async list(): Promise<T[]> {
    return [...this.#records.values()].map((e) => structuredClone(e.value));
  }

  async entries(): Promise<[string, T][]> {
    return [...this.#records].map(([id, e]) => [id, structuredClone(e.value)]);
  }

  async insert(id: string, value: T, alias?: string): Promise<boolean> {
    if (this.#records.has(id) || (alias !== undefined && this.#aliases.has(alias))) return false;
    this.#records.set(id, { value: structuredClone(value), alias });
    if (alias !== undefined) this.#aliases.set(alias, id);
    return true;
  }

  async replace(id: string, value: T): Promise<boolean> {
    const entry = this.#records.get(id);
    if (!entry) return false;
    entry.value = structuredClone(value);
    return true;
  }

  async compareAndReplace(id: string, expected: T, next: T): Promise<boolean> {
    const entry = this.#records.get(id);
    if (!entry || JSON.stringify(entry.value) !== JSON.stringify(expected)) return false;
    entry.value = structuredClone(next);
    return true;
  }

  async remove(id: string): Promise<T | undefined> {
    const entry = this.#records.get(id);
    if (!entry) return undefined;
    this.#records.delete(id);
    if (entry.alias !== undefined) this.#aliases.delete(entry.alias);
    return entry.value;
  }
}
