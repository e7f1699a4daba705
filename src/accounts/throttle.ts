/**
 * Failed-login throttling (NIST SP 800-63B 5.2.2): a few free failures, then a delay that doubles with each further
 * failure up to a cap. An attempt takes its slot in every bucket it is judged on before the password is checked, so
 * parallel guesses cost what serial ones cost. Never a lockout: the wait always ends, and a browser that signed in
 * to the account before is judged on its own device bucket (device-cookies.ts), which strangers cannot fill.
 * Accounts are keyed by the submitted name whether or not it exists, so a 429 says nothing about existence.
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
/** One browser's own tries at an account it signed in to: the owner's typos, or a stolen device cookie's guesses. */
export const DEVICE_POLICY: ThrottlePolicy = { free: 5, firstDelay: 2, maxDelay: 300, window: 3600 };

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

/** Milliseconds before a bucket holding `record` takes another attempt at `now` (epoch ms); 0 when it may. */
export function waitMs(record: AttemptRecord | undefined, policy: ThrottlePolicy, now: number): number {
  if (!record) return 0;
  return Math.max(0, record.last + delayAfter(record.failures, policy) * 1000 - now);
}

/** A slot one attempt took in one bucket: what a refund needs to undo exactly that slot. */
export interface Slot {
  key: string;
  /** Epoch ms the slot was taken (its failure time). */
  at: number;
  /** The bucket's last failure before this slot, epoch ms (0: none). */
  previousLast: number;
  /** The bucket's count of slots ever taken, this one included: a refund restores `previousLast` only if none came since. */
  seq: number;
}

export type Reserved = { slot: Slot } | { waitMs: number };

/** Where failure counts live: Redis, or memory for the embedded default. Each call is atomic on its bucket. */
export interface AttemptStore {
  /**
   * When the bucket's wait at `now` is 0, counts one failure at `now` and answers the slot taken; otherwise answers
   * the wait and changes nothing. The record expires `policy.window` after its last failure.
   */
  reserve(key: string, policy: ThrottlePolicy, now: number): Promise<Reserved>;
  /** Gives a slot back: one failure fewer, and the bucket's previous last failure time when no slot was taken since. */
  refund(slot: Slot): Promise<void>;
  clear(key: string): Promise<void>;
}

export interface Attempt {
  username: string;
  ip: string;
  /** The id of a valid device cookie this browser holds for this username (device-cookies.ts). */
  device?: string;
}

interface Bucket {
  key: string;
  policy: ThrottlePolicy;
  /** What a success does to the slot: forget the bucket's failures, or give back only this attempt's. */
  onSuccess: 'clear' | 'refund';
}

const accountKey = (username: string) => `account:${createHash('sha256').update(usernameKey(username)).digest('base64url')}`;
const ipKey = (ip: string) => `ip:${ip}`;
const deviceKey = (device: string) => `device:${device}`;

/**
 * The buckets an attempt is judged on (OWASP device cookies): a browser holding a device cookie for the account on
 * its own bucket alone, so that no stranger's failures count against it; any other on the account's and the address's.
 */
export function bucketsFor(attempt: Attempt): Bucket[] {
  if (attempt.device) return [{ key: deviceKey(attempt.device), policy: DEVICE_POLICY, onSuccess: 'clear' }];
  return [
    { key: accountKey(attempt.username), policy: ACCOUNT_POLICY, onSuccess: 'clear' },
    { key: ipKey(attempt.ip), policy: IP_POLICY, onSuccess: 'refund' },
  ];
}

/** An attempt's answer from the throttle: go ahead, holding these slots, or wait this many seconds. */
export type Admission = { admitted: true; slots: { slot: Slot; onSuccess: Bucket['onSuccess'] }[] } | { admitted: false; retryAfter: number };

export class LoginThrottle {
  constructor(
    private readonly store: AttemptStore,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes the attempt's slot in each of its buckets, counted as a failure until `succeeded`; when any bucket says
   * wait, the slots taken in the others are given back and the longest wait is answered, in whole seconds.
   */
  async admit(attempt: Attempt): Promise<Admission> {
    const now = this.now();
    const buckets = bucketsFor(attempt);
    const answers = await Promise.all(buckets.map((b) => this.store.reserve(b.key, b.policy, now)));
    const waits = answers.map((a) => ('waitMs' in a ? a.waitMs : 0));
    const taken = answers.flatMap((a, i) => ('slot' in a ? [{ slot: a.slot, onSuccess: buckets[i]!.onSuccess }] : []));
    if (taken.length === buckets.length) return { admitted: true, slots: taken };
    await Promise.all(taken.map(({ slot }) => this.store.refund(slot)));
    return { admitted: false, retryAfter: Math.ceil(Math.max(...waits) / 1000) };
  }

  /** The password was right: the account's (or the device's) failures are forgotten, the address's slot given back. */
  async succeeded(admission: Extract<Admission, { admitted: true }>): Promise<void> {
    await Promise.all(admission.slots.map(({ slot, onSuccess }) => (onSuccess === 'clear' ? this.store.clear(slot.key) : this.store.refund(slot))));
  }
}
