/**
 * A user's second factors: an authenticator app (confirmed by a first code before it counts) and recovery codes.
 * One record per account, sealed at rest like the signing keys (the TOTP key is a shared secret); the replay set
 * makes each (account, time step) accept one code.
 */
import { AppError } from '../errors.js';
import type { Collection } from '../storage/collection.js';
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes.js';
import { matchingStep, newTotpSecret, normalizeCode, TOTP_PERIOD, TOTP_WINDOW } from './totp.js';
import type { UsedCodes } from './used-codes.js';
import type { BackupState, PasskeyRecord } from './passkeys.js';

export interface MfaRecord {
  totp?: { secret: string; enrolledAt: string };
  /** A key shown on the enrolment page, waiting for its first code. */
  pendingTotp?: { secret: string; createdAt: string };
  recovery?: { hashes: string[]; total: number; createdAt: string };
  passkeys?: PasskeyRecord[];
  /** The challenge handed to the account page for a new passkey, answered once. */
  passkeyChallenge?: { challenge: string; createdAt: string };
  updatedAt: string;
}

/** A factor the user removes: the app, or one passkey by its credential id. */
export type FactorTarget = { kind: 'totp' } | { kind: 'passkey'; id: string };

/** A removal's fate: done, nothing such to remove, or refused because it is the account's last factor. */
export type Removal = 'removed' | 'not_found' | 'last';

/** What may be shown of a user's factors: never a key or a hash. */
export interface FactorSummary {
  totp: boolean;
  totpEnrolledAt?: string;
  recoveryCodesLeft: number;
  recoveryCodesCreatedAt?: string;
  passkeys: number;
  /** Each passkey (never its key): its name, when it was added, and whether it is synced or bound to one device. */
  passkeyList: { name?: string; createdAt: string; synced?: boolean; backedUp?: boolean }[];
}

/** A code's fate: accepted, or why not (each refused and audited the same way, named apart in the audit). */
export type Verdict = 'accepted' | 'malformed' | 'wrong' | 'replayed' | 'not_enrolled';

/** A pending key not confirmed within this long is replaced by a new one. */
const PENDING_TTL_MS = 15 * 60 * 1000;
/** A passkey challenge of the account page not answered within this long is void. */
const CHALLENGE_TTL_MS = 5 * 60 * 1000;
/** A used step stays in the replay set until no window can reach it again. */
const USED_TTL_SECONDS = (2 * TOTP_WINDOW + 2) * TOTP_PERIOD;

export class Factors {
  constructor(
    private readonly records: Collection<MfaRecord>,
    private readonly used: UsedCodes,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async summary(sub: string): Promise<FactorSummary> {
    const record = await this.records.get(sub);
    return {
      totp: !!record?.totp,
      ...(record?.totp ? { totpEnrolledAt: record.totp.enrolledAt } : {}),
      recoveryCodesLeft: record?.recovery?.hashes.length ?? 0,
      ...(record?.recovery ? { recoveryCodesCreatedAt: record.recovery.createdAt } : {}),
      passkeys: record?.passkeys?.length ?? 0,
      passkeyList: (record?.passkeys ?? []).map((p) => ({
        ...(p.name ? { name: p.name } : {}),
        createdAt: p.createdAt,
        ...(p.synced === undefined ? {} : { synced: p.synced }),
        ...(p.backedUp === undefined ? {} : { backedUp: p.backedUp }),
      })),
    };
  }

  /** A factor that can finish a sign-in: an app, a passkey, or a recovery code left. */
  async enrolled(sub: string): Promise<boolean> {
    const s = await this.summary(sub);
    return s.totp || s.recoveryCodesLeft > 0 || s.passkeys > 0;
  }

  async passkeys(sub: string): Promise<PasskeyRecord[]> {
    return (await this.records.get(sub))?.passkeys ?? [];
  }

  async addPasskey(sub: string, passkey: PasskeyRecord): Promise<void> {
    const stamp = new Date(this.now()).toISOString();
    await this.#update(sub, (current) => ({ ...current, passkeys: [...(current?.passkeys ?? []).filter((p) => p.id !== passkey.id), passkey], updatedAt: stamp }));
  }

  /**
   * Records a passkey's new signature counter and its backup state as this use reported it; false when another
   * sign-in moved the counter meanwhile to this value or past it (the same assertion twice, or a cloned key).
   * Authenticators that keep no counter (always 0) are let through.
   */
  async advancePasskey(sub: string, id: string, counter: number, backup: BackupState): Promise<boolean> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const record = await this.records.get(sub);
      const passkey = record?.passkeys?.find((p) => p.id === id);
      if (!record || !passkey) return false;
      const unchanged = passkey.synced === backup.synced && passkey.backedUp === backup.backedUp;
      if (counter === 0 && passkey.counter === 0) {
        if (unchanged) return true;
      } else if (counter <= passkey.counter) return false;
      const next = { ...record, passkeys: record.passkeys!.map((p) => (p.id === id ? { ...p, counter, synced: backup.synced, backedUp: backup.backedUp } : p)), updatedAt: new Date(this.now()).toISOString() };
      if (await this.records.compareAndReplace(sub, record, next)) return true;
    }
    throw new AppError('conflict', `mfa ${sub}: changed too often to record a passkey's counter`);
  }

  /** The key to show on the enrolment page: the pending one while it is fresh, else a new one. */
  async beginTotp(sub: string): Promise<string> {
    const stamp = new Date(this.now()).toISOString();
    const record = await this.#update(sub, (current) => {
      const pending = current?.pendingTotp;
      if (pending && this.now() - Date.parse(pending.createdAt) < PENDING_TTL_MS) return current!;
      return { ...current, pendingTotp: { secret: newTotpSecret(), createdAt: stamp }, updatedAt: stamp };
    });
    return record.pendingTotp!.secret;
  }

  /** The first code from the app: the pending key becomes the account's (replacing any earlier app). */
  async confirmTotp(sub: string, input: string): Promise<Verdict> {
    const record = await this.records.get(sub);
    const pending = record?.pendingTotp;
    if (!pending) return 'not_enrolled';
    const verdict = await this.#check(sub, pending.secret, input);
    if (verdict !== 'accepted') return verdict;
    const stamp = new Date(this.now()).toISOString();
    await this.#update(sub, (current) => {
      const { pendingTotp: _pending, ...rest } = current ?? { updatedAt: stamp };
      return { ...rest, totp: { secret: pending.secret, enrolledAt: stamp }, updatedAt: stamp };
    });
    return 'accepted';
  }

  async verifyTotp(sub: string, input: string): Promise<Verdict> {
    const secret = (await this.records.get(sub))?.totp?.secret;
    if (!secret) return normalizeCode(input) ? 'not_enrolled' : 'malformed';
    return this.#check(sub, secret, input);
  }

  /** A new set of recovery codes, to be shown once: the old set is void. */
  async newRecoveryCodes(sub: string): Promise<string[]> {
    const codes = newRecoveryCodes();
    const stamp = new Date(this.now()).toISOString();
    await this.#update(sub, (current) => ({ ...current, recovery: { hashes: codes.map(hashRecoveryCode), total: codes.length, createdAt: stamp }, updatedAt: stamp }));
    return codes;
  }

  /** Spends one recovery code: its hash leaves the set in the same write that checks it is there. */
  async useRecoveryCode(sub: string, input: string): Promise<Verdict> {
    if (!normalizeRecoveryCode(input)) return 'malformed';
    const hash = hashRecoveryCode(input);
    for (let attempt = 0; attempt < 20; attempt++) {
      const record = await this.records.get(sub);
      if (!record?.recovery) return 'not_enrolled';
      if (!record.recovery.hashes.includes(hash)) return 'wrong';
      const next = { ...record, recovery: { ...record.recovery, hashes: record.recovery.hashes.filter((h) => h !== hash) }, updatedAt: new Date(this.now()).toISOString() };
      if (await this.records.compareAndReplace(sub, record, next)) return 'accepted';
    }
    throw new AppError('conflict', `mfa ${sub}: changed too often to spend a recovery code`);
  }

  /** Keeps the challenge of a passkey registration started outside a sign-in (the account page). */
  async holdPasskeyChallenge(sub: string, challenge: string): Promise<void> {
    const stamp = new Date(this.now()).toISOString();
    await this.#update(sub, (current) => ({ ...current, passkeyChallenge: { challenge, createdAt: stamp }, updatedAt: stamp }));
  }

  /** The held challenge, spent by this call whatever comes of it; undefined when none or too old. */
  async takePasskeyChallenge(sub: string): Promise<string | undefined> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const record = await this.records.get(sub);
      const held = record?.passkeyChallenge;
      if (!record || !held) return undefined;
      const { passkeyChallenge: _spent, ...rest } = record;
      if (await this.records.compareAndReplace(sub, record, { ...rest, updatedAt: new Date(this.now()).toISOString() })) {
        return this.now() - Date.parse(held.createdAt) < CHALLENGE_TTL_MS ? held.challenge : undefined;
      }
    }
    throw new AppError('conflict', `mfa ${sub}: changed too often to spend a passkey challenge`);
  }

  /**
   * Removes the app or one passkey. Recovery codes only back the others up: when neither an app nor a passkey is
   * left they go too, and the account is back to a password alone, unless `keepOne` (a second factor is required
   * of the account), which refuses removing the last one ('last') and changes nothing.
   */
  async removeFactor(sub: string, target: FactorTarget, keepOne: boolean): Promise<Removal> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const record = await this.records.get(sub);
      const present = target.kind === 'totp' ? !!record?.totp : !!record?.passkeys?.some((p) => p.id === target.id);
      if (!record || !present) return 'not_found';
      const { totp, passkeys = [], recovery, ...rest } = record;
      const keptTotp = target.kind === 'totp' ? undefined : totp;
      const keptPasskeys = target.kind === 'passkey' ? passkeys.filter((p) => p.id !== target.id) : passkeys;
      const none = !keptTotp && keptPasskeys.length === 0;
      if (none && keepOne) return 'last';
      const next: MfaRecord = {
        ...rest,
        ...(keptTotp ? { totp: keptTotp } : {}),
        ...(keptPasskeys.length ? { passkeys: keptPasskeys } : {}),
        ...(recovery && !none ? { recovery } : {}),
        updatedAt: new Date(this.now()).toISOString(),
      };
      if (await this.records.compareAndReplace(sub, record, next)) return 'removed';
    }
    throw new AppError('conflict', `mfa ${sub}: changed too often to remove a factor`);
  }

  async removeTotp(sub: string): Promise<boolean> {
    const record = await this.records.get(sub);
    if (!record?.totp) return false;
    const stamp = new Date(this.now()).toISOString();
    await this.#update(sub, (current) => {
      const { totp: _totp, ...rest } = current ?? { updatedAt: stamp };
      return { ...rest, updatedAt: stamp };
    });
    return true;
  }

  /** Every factor gone (a lost phone): the next sign-in that needs one enrols anew. */
  async reset(sub: string): Promise<FactorSummary> {
    const before = await this.summary(sub);
    await this.records.remove(sub);
    return before;
  }

  async #check(sub: string, secret: string, input: string): Promise<Verdict> {
    const code = normalizeCode(input);
    if (!code) return 'malformed';
    const step = matchingStep(secret, code, this.now());
    if (step === undefined) return 'wrong';
    return (await this.used.claim(sub, step, USED_TTL_SECONDS)) ? 'accepted' : 'replayed';
  }

  /** Read, change, write without losing a concurrent change; the record is created when there is none. */
  async #update(sub: string, change: (current: MfaRecord | undefined) => MfaRecord): Promise<MfaRecord> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await this.records.get(sub);
      const next = change(current);
      if (current === undefined ? await this.records.insert(sub, next) : current === next || (await this.records.compareAndReplace(sub, current, next))) return next;
    }
    throw new AppError('conflict', `mfa ${sub}: changed too often to be written`);
  }
}
