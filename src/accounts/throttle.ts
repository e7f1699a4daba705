/**
 * Failed-login throttling per account and per client IP (NIST SP 800-63B 5.2.2): a few free failures, then a
 * delay that doubles with each further failure up to a cap. Never a lockout: the wait always ends, and a success
 * clears the account's count. Accounts are keyed by the submitted name whether or not it exists, so a 429 says
 * nothing about existence.
 */
import { createHash } from 'node:crypto';
import { usernameKey } from './users.js';

export interface ThrottlePolicy {
  /** Failures before the first delay: the attempt after the `free`-th failure waits. */
  free: number;
  /** Seconds of the first delay; each further failure doubles it. */
  firstDelay: number;
  maxDelay: number;
  /** Seconds without a failure after which the count is forgotten. */
  window: number;
}

export const ACCOUNT_POLICY: ThrottlePolicy = { free: 5, firstDelay: 2, maxDelay: 300, window: 3600 };
/** Looser: many people can share one address (an office, a carrier-grade NAT). */
export const IP_POLICY: ThrottlePolicy = { free: 20, firstDelay: 2, maxDelay: 900, window: 3600 };

/** Seconds to wait after `failures` failures. */
export function delayAfter(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.free) return 0;
  return Math.min(policy.firstDelay * 2 ** (failures - policy.free), policy.maxDelay);
}

export interface AttemptRecord {
  failures: number;
  /** Epoch milliseconds of the last failure. */
  last: number;
}

/** Where failure counts live: Redis, or memory for the embedded default. */
export interface AttemptStore {
  /** The record as of `now` (epoch ms); a record past its window is gone. */
  read(key: string, now: number): Promise<AttemptRecord | undefined>;
  /** Counts one failure at `now`; the record expires `windowMs` after its last failure. */
  fail(key: string, now: number, windowMs: number): Promise<void>;
  clear(key: string): Promise<void>;
}

const accountKey = (username: string) => `account:${createHash('sha256').update(usernameKey(username)).digest('base64url')}`;
const ipKey = (ip: string) => `ip:${ip}`;

export class LoginThrottle {
  constructor(
    private readonly store: AttemptStore,
    private readonly now: () => number = Date.now,
  ) {}

  async #wait(key: string, policy: ThrottlePolicy): Promise<number> {
    const now = this.now();
    const record = await this.store.read(key, now);
    if (!record) return 0;
    const until = record.last + delayAfter(record.failures, policy) * 1000;
    return Math.max(0, Math.ceil((until - now) / 1000));
  }

  /** Seconds before another attempt for this username from this address is considered; 0 when it may go ahead. */
  async retryAfter(username: string, ip: string): Promise<number> {
    const [account, address] = await Promise.all([this.#wait(accountKey(username), ACCOUNT_POLICY), this.#wait(ipKey(ip), IP_POLICY)]);
    return Math.max(account, address);
  }

  async failed(username: string, ip: string): Promise<void> {
    const now = this.now();
    await Promise.all([
      this.store.fail(accountKey(username), now, ACCOUNT_POLICY.window * 1000),
      this.store.fail(ipKey(ip), now, IP_POLICY.window * 1000),
    ]);
  }

  async succeeded(username: string): Promise<void> {
    await this.store.clear(accountKey(username));
  }
}
