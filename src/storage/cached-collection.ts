/**
 * Records read on every authorization (clients, accounts) in memory. oidc-provider looks up the client and the
 * account on every request: for a client registered in Redis and for every user that is a read per
 * authorization. Here a record once read is kept, and every write made through this
 * collection (command line, admin API, any instance) is announced on a Redis channel; each instance drops its
 * copy when it hears the announcement, and drops everything when its subscription reconnects (it may have
 * missed some). A copy older than MAX_AGE_MS is read again anyway, should an announcement be lost.
 */
import { EventEmitter } from 'node:events';
import { Cluster } from 'ioredis';
import type { Collection } from './collection.js';
import type { RedisClient } from './redis.js';

const MAX_AGE_MS = 60_000;
const MAX_ENTRIES = 10_000;
/** Announced when the whole collection was written underneath (an import): every copy goes. Ids are never empty. */
const ALL = '';

export class CachedCollection<T> extends EventEmitter implements Collection<T> {
  readonly #copies = new Map<string, { value: T; at: number }>();
  readonly #channel: string;
  #subscriber: RedisClient | undefined;
  #listening = false;
  /** Bumped by every invalidation: a read that started before one is not kept. */
  #generation = 0;

  constructor(
    private readonly inner: Collection<T>,
    private readonly redis: RedisClient,
    name: string,
    keyPrefix = '',
  ) {
    super();
    // Channels are not prefixed by ioredis: the prefix keeps deployments sharing a Redis apart.
    this.#channel = `${keyPrefix}oidc-op:changed:${name}`;
  }

  #subscribed: Promise<void> = Promise.resolve();

  /** Resolves once changes are being heard (copies are kept only from then on). */
  listening(): Promise<void> {
    this.#listen();
    return this.#subscribed;
  }

  #listen(): void {
    if (this.#subscriber) return;
    // The server's connections are lazy and refuse commands while not connected (storage/redis.ts): the
    // subscription has to wait for its connection, or it fails at once and nothing is ever kept.
    // A standalone or Sentinel connection is subscribed again here as it gets ready, not by ioredis: its own
    // resubscription leaves the command's failure (Redis gone again at once) unhandled, and an unhandled rejection
    // ends the process. A Cluster's subscriber connection resubscribes itself and handles its failures.
    const cluster = this.redis instanceof Cluster;
    const subscriber: RedisClient = cluster ? this.redis.duplicate() : this.redis.duplicate({ enableOfflineQueue: true, autoResubscribe: false });
    this.#subscriber = subscriber;
    let subscribed = false;
    const subscribe = () =>
      subscriber.subscribe(this.#channel).then(
        () => void (subscribed = this.#listening = true),
        () => undefined,
      );
    subscriber.on('message', (_channel: string, id: string) => this.#drop(id === ALL ? undefined : id));
    subscriber.on('ready', () => {
      this.#drop(undefined);
      if (!cluster) void subscribe();
      else if (subscribed) this.#listening = true;
    });
    subscriber.on('close', () => {
      this.#listening = false;
      this.#drop(undefined);
    });
    subscriber.on('error', () => undefined); // reads go to Redis meanwhile; ioredis reconnects, and 'ready' subscribes again
    this.#subscribed = subscribe();
  }

  #drop(id: string | undefined): void {
    this.#generation++;
    if (id === undefined) this.#copies.clear();
    else this.#copies.delete(id);
    this.emit('invalidated', id);
  }

  async #announce(id: string): Promise<void> {
    this.#drop(id === ALL ? undefined : id);
    await this.redis.publish(this.#channel, id);
  }

  /** After the collection was rewritten other than through this object: every instance drops every copy. */
  announceAll(): Promise<void> {
    return this.#announce(ALL);
  }

  async get(id: string): Promise<T | undefined> {
    this.#listen();
    const copy = this.#copies.get(id);
    if (copy && Date.now() - copy.at < MAX_AGE_MS) return copy.value;
    const generation = this.#generation;
    const value = await this.inner.get(id);
    if (value !== undefined && this.#listening && generation === this.#generation) {
      if (this.#copies.size >= MAX_ENTRIES) this.#copies.delete(this.#copies.keys().next().value!);
      this.#copies.set(id, { value, at: Date.now() });
    }
    return value;
  }

  getByAlias(alias: string): Promise<T | undefined> {
    return this.inner.getByAlias(alias);
  }

  list(): Promise<T[]> {
    return this.inner.list();
  }

  entries(): Promise<[string, T][]> {
    return this.inner.entries();
  }

  async insert(id: string, value: T, alias?: string): Promise<boolean> {
    const done = await this.inner.insert(id, value, alias);
    if (done) await this.#announce(id);
    return done;
  }

  async replace(id: string, value: T): Promise<boolean> {
    const done = await this.inner.replace(id, value);
    if (done) await this.#announce(id);
    return done;
  }

  async compareAndReplace(id: string, expected: T, next: T): Promise<boolean> {
    const done = await this.inner.compareAndReplace(id, expected, next);
    // Refused: what this instance had was stale; read it afresh next time.
    if (done) await this.#announce(id);
    else this.#drop(id);
    return done;
  }

  async remove(id: string): Promise<T | undefined> {
    const removed = await this.inner.remove(id);
    if (removed !== undefined) await this.#announce(id);
    return removed;
  }

  close(): void {
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
    this.#listening = false;
  }
}
