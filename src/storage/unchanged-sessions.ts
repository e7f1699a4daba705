/**
 * oidc-provider saves the session on every request it sees, only to roll its expiry forward: on the silent
 * path that is two Redis writes (the session and its uid index) per authorization with nothing new in them.
 * This remembers each session as it was read; a save that changes nothing but an expiry moved forward by less
 * than ROLL_SECONDS is skipped, so an unchanged session is written at most once a ROLL_SECONDS per instance,
 * and its expiry lags by at most that (out of days). Any other change is written at once.
 * Skipping an unchanged save is also what another instance's concurrent change needs: it is not overwritten.
 */
import type { AdapterPayload } from 'oidc-provider';
import { encodeRecord } from './compact-records.js';

export const ROLL_SECONDS = 60;
const REMEMBERED = 10_000;

interface Seen {
  /** The record as stored (compact-records.ts): a payload encoding to it, expiry aside, is the same session. */
  stored: string;
  exp: number | undefined;
  /** Fixed for the life of a session id (oidc-provider gives a re-identified session a new id, not a new uid). */
  uid: string | undefined;
}

export class UnchangedSessions {
  readonly #seen = new Map<string, Seen>();

  /** A session as read from the store: the stored record and its payload (none: it is not there). */
  read(id: string, found?: { stored: string; payload: AdapterPayload }): void {
    this.#seen.delete(id);
    if (!found) return;
    if (this.#seen.size >= REMEMBERED) this.#seen.delete(this.#seen.keys().next().value!);
    const { exp, uid } = found.payload;
    this.#seen.set(id, { stored: found.stored, exp: typeof exp === 'number' ? exp : undefined, uid: typeof uid === 'string' ? uid : undefined });
  }

  /** True when writing `payload` would only roll the expiry forward by less than ROLL_SECONDS. */
  unchanged(id: string, payload: AdapterPayload): boolean {
    const seen = this.#seen.get(id);
    if (!seen || seen.exp === undefined || typeof payload.exp !== 'number') return false;
    const moved = payload.exp - seen.exp;
    return moved >= 0 && moved < ROLL_SECONDS && encodeRecord('Session', id, { ...payload, exp: seen.exp }) === seen.stored;
  }

  /** The uid of a session this instance has read, so destroying it needs no read first. */
  uidOf(id: string): string | undefined {
    return this.#seen.get(id)?.uid;
  }

  forget(id: string): void {
    this.#seen.delete(id);
  }
}
