/**
 * A named set of JSON records with an optional unique alias per record (a username, say).
 * Two implementations: Redis (all keys of one collection share a hash tag, so every multi-key
 * change is one atomic script, also on Redis Cluster) and memory (the embedded default).
 */
import { AppError } from '../errors.js';
export interface Collection<T> {
  get(id: string): Promise<T | undefined>;
  getByAlias(alias: string): Promise<T | undefined>;
  list(): Promise<T[]>;
  /** How many records there are, without reading them. */
  count(): Promise<number>;
  /** Every record with its id. */
  entries(): Promise<[string, T][]>;
  /** false when the id or the alias is taken; nothing is written then. */
  insert(id: string, value: T, alias?: string): Promise<boolean>;
  /** false when the record does not exist; nothing is written then. The alias stays as it was. */
  replace(id: string, value: T): Promise<boolean>;
  /** Writes `next` only if the record is still exactly `expected` (as read); false when it changed meanwhile. */
  compareAndReplace(id: string, expected: T, next: T): Promise<boolean>;
  /** The removed record, or undefined when there was none. */
  remove(id: string): Promise<T | undefined>;
  /** One page of a set of the collection's index, members in byte order; empty for a collection with no index. */
  indexPage(set: string, offset: number, limit: number): Promise<IndexPage>;
}

/** Where a record is listed besides its id: in a named set of the collection's index, under a member string. */
export interface IndexEntry {
  set: string;
  member: string;
}

/**
 * A collection's secondary index: the entries a record has (none for most). Every write of the collection keeps it
 * in step with the records, in the same atomic step as the record.
 */
export type IndexOf<T> = (value: T) => readonly IndexEntry[];

export interface IndexPage {
  members: string[];
  /** How many members the set holds in all. */
  total: number;
}

/** What a write changes in the index: the entries it drops (first) and those it adds. */
export function indexChange<T>(index: IndexOf<T> | undefined, before: T | undefined, after: T | undefined): { drop: IndexEntry[]; add: IndexEntry[] } {
  if (!index) return { drop: [], add: [] };
  const id = (e: IndexEntry) => `${e.set}\n${e.member}`;
  const old = before === undefined ? [] : index(before);
  const now = after === undefined ? [] : index(after);
  const oldIds = new Set(old.map(id));
  const nowIds = new Set(now.map(id));
  return { drop: old.filter((e) => !nowIds.has(id(e))), add: now.filter((e) => !oldIds.has(id(e))) };
}

export class RecordNotFound extends AppError {
  constructor(message: string) {
    super('not_found', message);
  }
}

/** A store's refusal: the reason (invalid, exists, not found) and a message naming field and rule. */
export class RecordError extends AppError {
  declare readonly code: 'invalid' | 'exists' | 'not_found';

  constructor(message: string, code: 'invalid' | 'exists' | 'not_found') {
    super(code, message);
  }
}

/**
 * Read, change, write, without losing a concurrent change: when the record changed between the read and the
 * write, the change is applied again to what is there now. `change` must be pure (it may run more than once).
 * A missing record throws `notFound()` (RecordNotFound by default).
 */
export async function updateRecord<T>(
  collection: Collection<T>,
  id: string,
  change: (current: T) => T,
  notFound: () => Error = () => new RecordNotFound(id),
): Promise<T> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await collection.get(id);
    if (current === undefined) throw notFound();
    const next = change(current);
    if (await collection.compareAndReplace(id, current, next)) return next;
  }
  throw new Error(`record ${id}: too many concurrent changes`);
}

/** One collection's whole new content: every record with its id and, where the collection has them, its alias. */
export interface CollectionContent {
  /** The collection's index (if it has one) is rebuilt from the entries. */
  name: string;
  entries: { id: string; value: unknown; alias?: string }[];
}

/** The collections of one backend, and the one write that replaces several of them together. */
export interface CollectionSet {
  /** The named collection; `index` gives it a secondary index (kept from then on for that name, import included). */
  collection<T>(name: string, index?: IndexOf<T>): Collection<T>;
  /**
   * Fills the named collection's index from its records when they were written before it had one (once; later
   * calls cost one read). The number of records indexed.
   */
  buildIndex(name: string): Promise<number>;
  /**
   * Replaces the whole content of the named collections, all or nothing. With `onlyIntoEmpty`, writes nothing
   * and returns the names of the collections that hold records, unless all are empty.
   */
  replaceAll(contents: CollectionContent[], onlyIntoEmpty: boolean): Promise<{ busy: string[] }>;
}
