import { indexChange, type Collection, type CollectionContent, type CollectionSet, type IndexOf, type IndexPage } from './collection.js';

/** Redis orders a sorted set's equal-score members by their bytes: the same order here. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The embedded default's store: structured clones, so callers never share mutable state with it. */
export class MemoryCollection<T> implements Collection<T> {
  readonly #records = new Map<string, { value: T; alias?: string }>();
  readonly #aliases = new Map<string, string>();
  /** Each index set's members, kept sorted. */
  readonly #sets = new Map<string, string[]>();
  #index: IndexOf<T> | undefined;

  constructor(index?: IndexOf<T>) {
    this.#index = index;
  }

  /** Gives the collection its index, built from the records it holds. */
  indexWith(index: IndexOf<T>): void {
    this.#index = index;
    this.#rebuildIndex();
  }

  async indexPage(set: string, offset: number, limit: number): Promise<IndexPage> {
    const members = this.#sets.get(set) ?? [];
    return { members: members.slice(offset, offset + limit), total: members.length };
  }

  #reindex(before: T | undefined, after: T | undefined): void {
    const { drop, add } = indexChange(this.#index, before, after);
    for (const { set, member } of drop) {
      const members = this.#sets.get(set);
      const at = members ? this.#find(members, member) : -1;
      if (at >= 0) members!.splice(at, 1);
      if (members?.length === 0) this.#sets.delete(set);
    }
    for (const { set, member } of add) {
      let members = this.#sets.get(set);
      if (!members) this.#sets.set(set, (members = []));
      if (this.#find(members, member) >= 0) continue;
      let low = 0;
      let high = members.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (byBytes(members[mid]!, member) < 0) low = mid + 1;
        else high = mid;
      }
      members.splice(low, 0, member);
    }
  }

  #find(members: string[], member: string): number {
    let low = 0;
    let high = members.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const order = byBytes(members[mid]!, member);
      if (order === 0) return mid;
      if (order < 0) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  #rebuildIndex(): void {
    this.#sets.clear();
    for (const { value } of this.#records.values()) this.#reindex(undefined, value);
  }

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

  async count(): Promise<number> {
    return this.#records.size;
  }

  async entries(): Promise<[string, T][]> {
    return [...this.#records].map(([id, e]) => [id, structuredClone(e.value)]);
  }

  async insert(id: string, value: T, alias?: string): Promise<boolean> {
    if (this.#records.has(id) || (alias !== undefined && this.#aliases.has(alias))) return false;
    this.#records.set(id, { value: structuredClone(value), alias });
    if (alias !== undefined) this.#aliases.set(alias, id);
    this.#reindex(undefined, value);
    return true;
  }

  async replace(id: string, value: T): Promise<boolean> {
    const entry = this.#records.get(id);
    if (!entry) return false;
    this.#reindex(entry.value, value);
    entry.value = structuredClone(value);
    return true;
  }

  async compareAndReplace(id: string, expected: T, next: T): Promise<boolean> {
    const entry = this.#records.get(id);
    if (!entry || JSON.stringify(entry.value) !== JSON.stringify(expected)) return false;
    this.#reindex(entry.value, next);
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
    this.#rebuildIndex();
  }

  async remove(id: string): Promise<T | undefined> {
    const entry = this.#records.get(id);
    if (!entry) return undefined;
    this.#records.delete(id);
    if (entry.alias !== undefined) this.#aliases.delete(entry.alias);
    this.#reindex(entry.value, undefined);
    return entry.value;
  }
}

/** The embedded default's collections: one per name, replaced together between two awaits. */
export class MemoryCollectionSet implements CollectionSet {
  readonly #collections = new Map<string, MemoryCollection<unknown>>();

  readonly #indexed = new Set<string>();

  collection<T>(name: string, index?: IndexOf<T>): MemoryCollection<T> {
    let collection = this.#collections.get(name);
    if (!collection) this.#collections.set(name, (collection = new MemoryCollection<unknown>()));
    if (index && !this.#indexed.has(name)) {
      (collection as MemoryCollection<T>).indexWith(index);
      this.#indexed.add(name);
    }
    return collection as MemoryCollection<T>;
  }

  /** Memory collections build their index when they are given one. */
  async buildIndex(): Promise<number> {
    return 0;
  }

  async replaceAll(contents: CollectionContent[], onlyIntoEmpty: boolean): Promise<{ busy: string[] }> {
    const busy = contents.filter((c) => this.collection(c.name).size > 0).map((c) => c.name);
    if (onlyIntoEmpty && busy.length) return { busy };
    for (const { name, entries } of contents) this.collection(name).replaceAllNow(entries);
    return { busy: [] };
  }
}
