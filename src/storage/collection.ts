/**
 * A named set of JSON records with an optional unique alias per record (a username, say).
 * Two implementations: Redis (all keys of one collection share a hash tag, so every multi-key
 * change is one atomic script, also on Redis Cluster) and memory (the embedded default).
 */
export interface Collection<T> {
  get(id: string): Promise<T | undefined>;
  getByAlias(alias: string): Promise<T | undefined>;
  list(): Promise<T[]>;
  /** false when the id or the alias is taken; nothing is written then. */
  insert(id: string, value: T, alias?: string): Promise<boolean>;
  /** false when the record does not exist; nothing is written then. The alias stays as it was. */
  replace(id: string, value: T): Promise<boolean>;
  /** The removed record, or undefined when there was none. */
  remove(id: string): Promise<T | undefined>;
}
