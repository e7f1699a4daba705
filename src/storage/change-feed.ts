/**
 * Records kept in memory by every instance and dropped on every instance at each change. Each change is announced
 * on a Redis channel by the instance that made it, once its write is done; each instance drops its copy when it hears
 * the announcement, and drops everything when its subscription closes or reconnects (it may have missed some). A copy
 * older than MAX_AGE_MS is read again anyway, should an announcement be lost.
 */
import { EventEmitter } from 'node:events';
import { Cluster } from 'ioredis';
import type { RedisClient } from './redis.js';

const MAX_AGE_MS = 60_000;
const MAX_ENTRIES = 10_000;
/** Announced when a whole collection was written underneath (an import): every copy goes. Ids are never empty. */
const ALL = '';

/** The key prefix the client adds to keys: channels are not prefixed by ioredis, so deployments sharing a Redis stay apart. */
export const keyPrefixOf = (redis: RedisClient): string => redis.options.keyPrefix ?? '';

/**
 * One channel's announcements. Emits 'dropped' with the id announced, or undefined for everything. Subscribes at
 * its first `listen()`, so a process that only writes (the command line) never opens a subscription.
 */
export class ChangeFeed extends EventEmitter {
  #subscriber: RedisClient | undefined;
  #heard = false;
  #subscribed: Promise<void> = Promise.resolve();
  /** Bumped by every drop: a read that started before one is not kept. */
  #generation = 0;

  constructor(
    private readonly redis: RedisClient,
    readonly channel: string,
  ) {
    super();
  }

  /** True while announcements are heard: copies are kept only then. */
  get heard(): boolean {
    return this.#heard;
  }

  /** Taken before a read; a copy of what the read returns is kept only while it is unchanged. */
  get generation(): number {
    return this.#generation;
  }

  /** Subscribes once; resolves when announcements are heard. */
  listen(): Promise<void> {
    if (this.#subscriber) return this.#subscribed;
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
      subscriber.subscribe(this.channel).then(
        () => void (subscribed = this.#heard = true),
        () => undefined,
      );
    subscriber.on('message', (_channel: string, id: string) => this.drop(id === ALL ? undefined : id));
    subscriber.on('ready', () => {
      this.drop(undefined);
      if (!cluster) void subscribe();
      else if (subscribed) this.#heard = true;
    });
    subscriber.on('close', () => {
      this.#heard = false;
      this.drop(undefined);
    });
    subscriber.on('error', () => undefined); // reads go to Redis meanwhile; ioredis reconnects, and 'ready' subscribes again
    this.#subscribed = subscribe();
    return this.#subscribed;
  }

  /** Drops the copies of `id` (undefined: every copy) on this instance only. */
  drop(id: string | undefined): void {
    this.#generation++;
    this.emit('dropped', id);
  }

  /** After a write to `id` (undefined: to everything) is done: this instance drops its copy now, the others as they hear it. */
  async announce(id: string | undefined): Promise<void> {
    this.drop(id);
    await this.redis.publish(this.channel, id ?? ALL);
  }

  close(): void {
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
    this.#heard = false;
  }
}

/** Copies of one kind of record, kept while their feed is heard and dropped with its announcements. */
export class Copies<T> {
  readonly #copies = new Map<string, { value: T; at: number }>();

  /** `idOf`: the id of this kind's record an announcement names (undefined: not one of them). */
  constructor(
    private readonly feed: ChangeFeed,
    idOf: (announced: string) => string | undefined = (announced) => announced,
  ) {
    feed.on('dropped', (announced: string | undefined) => {
      if (announced === undefined) this.#copies.clear();
      else {
        const id = idOf(announced);
        if (id !== undefined) this.#copies.delete(id);
      }
    });
  }

  /** The copy of `id` younger than MAX_AGE_MS; the feed starts listening at the first look. */
  get(id: string): T | undefined {
    void this.feed.listen();
    const copy = this.#copies.get(id);
    return copy && Date.now() - copy.at < MAX_AGE_MS ? copy.value : undefined;
  }

  /**
   * What a read that began at `generation` returned, kept unless a change was heard since or none can be heard (the
   * first one starts the feed listening).
   */
  keep(id: string, value: T, generation: number): void {
    if (!this.feed.heard) void this.feed.listen();
    if (!this.feed.heard || generation !== this.feed.generation) return;
    this.#copies.delete(id);
    if (this.#copies.size >= MAX_ENTRIES) this.#copies.delete(this.#copies.keys().next().value!);
    this.#copies.set(id, { value, at: Date.now() });
  }
}
