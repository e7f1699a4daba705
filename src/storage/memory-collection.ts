import type { Collection, CollectionContent, CollectionSet } from './collection.js';

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

  get size(): number {
    return this.#records.size;
  }

  /** Synchronous, so a set of collections is replaced with no other request in between. */
  replaceAllNow(entries: CollectionContent['entries']): void {
    this.#records.clear();
    this.#aliases.clear();
    for (const { id, value, alias } of entries) {
      this.#records.set(id, { value: structuredClone(value) as T, alias });
      if (alias !== undefined) this.#aliases.set(alias, id);
    }
  }

  async remove(id: string): Promise<T | undefined> {
    const entry = this.#records.get(id);
    if (!entry) return undefined;
    this.#records.delete(id);
    if (entry.alias !== undefined) this.#aliases.delete(entry.alias);
    return entry.value;
  }
}

/** The embedded default's collections: one per name, replaced together between two awaits. */
export class MemoryCollectionSet implements CollectionSet {
  readonly #collections = new Map<string, MemoryCollection<unknown>>();

  collection<T>(name: string): MemoryCollection<T> {
    let collection = this.#collections.get(name);
    if (!collection) this.#collections.set(name, (collection = new MemoryCollection<unknown>()));
    return collection as MemoryCollection<T>;
  }

  async replaceAll(contents: CollectionContent[], onlyIntoEmpty: boolean): Promise<{ busy: string[] }> {
    const busy = contents.filter((c) => this.collection(c.name).size > 0).map((c) => c.name);
    if (onlyIntoEmpty && busy.length) return { busy };
    for (const { name, entries } of contents) this.collection(name).replaceAllNow(entries);
    return { busy: [] };
  }
}
