/**
 * Records read on every authorization (clients, accounts) in memory. oidc-provider looks up the client and the
 * account on every request: for a client registered in Redis and for every user that is a read per
 * authorization. Here a record once read is kept, and every write made through this collection (command line,
 * admin API, any instance) drops it on every instance (change-feed.ts).
 */
import { EventEmitter } from 'node:events';
import { ChangeFeed, Copies } from './change-feed.js';
import type { Collection, IndexPage } from './collection.js';
import type { RedisClient } from './redis.js';

export class CachedCollection<T> extends EventEmitter implements Collection<T> {
  readonly #feed: ChangeFeed;
  readonly #copies: Copies<T>;

  constructor(
    private readonly inner: Collection<T>,
    redis: RedisClient,
    name: string,
    keyPrefix = '',
  ) {
    super();
    // Channels are not prefixed by ioredis: the prefix keeps deployments sharing a Redis apart.
    this.#feed = new ChangeFeed(redis, `${keyPrefix}oidc-op:changed:${name}`);
    this.#copies = new Copies<T>(this.#feed);
    this.#feed.on('dropped', (id: string | undefined) => this.emit('invalidated', id));
  }

  /** Resolves once changes are being heard (copies are kept only from then on). */
  listening(): Promise<void> {
    return this.#feed.listen();
  }

  /** After the collection was rewritten other than through this object: every instance drops every copy. */
  announceAll(): Promise<void> {
    return this.#feed.announce(undefined);
  }

  async get(id: string): Promise<T | undefined> {
    const copy = this.#copies.get(id);
    if (copy !== undefined) return copy;
    const generation = this.#feed.generation;
    const value = await this.inner.get(id);
    if (value !== undefined) this.#copies.keep(id, value, generation);
    return value;
  }

  getByAlias(alias: string): Promise<T | undefined> {
    return this.inner.getByAlias(alias);
  }

  list(): Promise<T[]> {
    return this.inner.list();
  }

  count(): Promise<number> {
    return this.inner.count();
  }

  entries(): Promise<[string, T][]> {
    return this.inner.entries();
  }

  indexPage(set: string, offset: number, limit: number): Promise<IndexPage> {
    return this.inner.indexPage(set, offset, limit);
  }

  async insert(id: string, value: T, alias?: string): Promise<boolean> {
    const done = await this.inner.insert(id, value, alias);
    if (done) await this.#feed.announce(id);
    return done;
  }

  async replace(id: string, value: T): Promise<boolean> {
    const done = await this.inner.replace(id, value);
    if (done) await this.#feed.announce(id);
    return done;
  }

  async compareAndReplace(id: string, expected: T, next: T): Promise<boolean> {
    const done = await this.inner.compareAndReplace(id, expected, next);
    // Refused: what this instance had was stale; read it afresh next time.
    if (done) await this.#feed.announce(id);
    else this.#feed.drop(id);
    return done;
  }

  async remove(id: string): Promise<T | undefined> {
    const removed = await this.inner.remove(id);
    if (removed !== undefined) await this.#feed.announce(id);
    return removed;
  }

  close(): void {
    this.#feed.close();
  }
}
