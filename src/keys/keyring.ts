/**
 * Signing keys kept in the store, rotated without downtime. A rotation adds a generation (one key per
 * algorithm) that is published at once but signs only from `activeFrom` (the lead time lets relying parties
 * refresh their JWKS first); the generation it replaces stays published while tokens it signed can still be
 * alive, then is retired. Which generation is in which state is a pure function of the time.
 */
import { AppError } from '../errors.js';
import { SIGNING_ALGS, type SigningAlg } from '../config/id-token-algs.js';
import type { PrivateJwks } from '../config/key-files.js';
import { updateRecord, type Collection } from '../storage/collection.js';
import { generateSigningKeys, getOrInsert, type KeyGeneration, type KeyMaterial, type OnRestored } from './generated-keys.js';

export type { KeyGeneration } from './generated-keys.js';
import { signingAlgsOf } from './signing-algs.js';


export type KeyState = 'next' | 'active' | 'retiring' | 'retired';

export interface KeyStatus {
  kids: string[];
  algs: string[];
  state: KeyState;
  createdAt: string;
  activeFrom: string;
  /** For a retiring generation: when it stops being published. */
  publishedUntil?: string;
}

/** A refused key operation: an invalid argument, or a key that is not there. */
export class KeyError extends AppError {
  override name = 'KeyError';

  constructor(message: string, code: 'invalid' | 'not_found' = 'invalid') {
    super(code, message);
  }
}

/** The longest an ID token may live (the largest lifetime a client may set): how long a replaced key stays published. */
export const RETIRE_AFTER_MS = 86_400_000;

function stateOf(generations: KeyGeneration[], index: number, now: number): { state: KeyState; until?: number } {
  const generation = generations[index]!;
  if (generation.retiredAt !== undefined) return { state: 'retired' };
  if (generation.activeFrom > now) return { state: 'next' };
  const successor = generations.slice(index + 1).find((g) => g.activeFrom <= now && g.retiredAt === undefined);
  if (!successor) return { state: 'active' };
  const until = successor.activeFrom + RETIRE_AFTER_MS;
  return until > now ? { state: 'retiring', until } : { state: 'retired' };
}

/** Generations by activation time, with their state at `now`. */
export function keyStatuses(generations: KeyGeneration[], now: number): KeyStatus[] {
  const sorted = [...generations].sort((a, b) => a.activeFrom - b.activeFrom);
  return sorted.map((g, i) => {
    const { state, until } = stateOf(sorted, i, now);
    return {
      kids: g.keys.map((k) => k.kid),
      algs: g.keys.map((k) => String(k.alg)),
      state,
      createdAt: new Date(g.createdAt).toISOString(),
      // The first generation is stored as active "from 0": it signs from when it was made, not from 1970.
      activeFrom: new Date(Math.max(g.activeFrom, g.createdAt)).toISOString(),
      ...(until ? { publishedUntil: new Date(until).toISOString() } : {}),
    };
  });
}

/**
 * What oidc-provider gets: every key still published, the active generation first (oidc-provider signs with
 * the first key of the requested algorithm), then the next and the retiring ones (published, never used).
 */
export function jwksInService(generations: KeyGeneration[], now: number): PrivateJwks {
  const sorted = [...generations].sort((a, b) => a.activeFrom - b.activeFrom);
  const order: Record<KeyState, number> = { active: 0, next: 1, retiring: 2, retired: 3 };
  const published = sorted
    .map((g, i) => ({ g, state: stateOf(sorted, i, now).state }))
    .filter(({ state }) => state !== 'retired')
    .sort((a, b) => order[a.state] - order[b.state]);
  return { keys: published.flatMap(({ g }) => g.keys) };
}

/** The stored signing keys as generations; a single key set kept by earlier versions counts as one, signing since ever. */
function generationsOf(stored: KeyMaterial | undefined): KeyGeneration[] | undefined {
  if (stored && 'generations' in stored) return stored.generations;
  if (stored && 'jwks' in stored) return [{ keys: stored.jwks.keys, createdAt: 0, activeFrom: 0 }];
  return undefined;
}

export class Keyring {
  /** The generations last read: written back if the store loses them, so tokens they signed stay valid. */
  #held: KeyGeneration[] | undefined;

  constructor(
    private readonly store: Collection<KeyMaterial>,
    private readonly now: () => number = Date.now,
    /** Hears that this keyring wrote back generations the store had lost. */
    public onRestored?: OnRestored,
  ) {}

  /**
   * The generations, creating the first one when there is none. Two instances starting together agree: the
   * first insert wins and both read it back. An instance that finds them gone writes back those it holds.
   */
  async generations(): Promise<KeyGeneration[]> {
    const held = this.#held;
    const fallback = async () => ({ generations: held ?? [{ keys: (await generateSigningKeys()).keys, createdAt: this.now(), activeFrom: 0 }] });
    const { kept, inserted } = await getOrInsert<KeyMaterial>(this.store, 'signing', fallback);
    const generations = generationsOf(kept);
    if (!generations) throw new Error('keys signing: the stored record has no generations');
    if (inserted && held) this.onRestored?.('signing');
    this.#held = generations;
    return generations;
  }

  async status(): Promise<KeyStatus[]> {
    return keyStatuses(await this.generations(), this.now());
  }

  async inService(): Promise<PrivateJwks> {
    return jwksInService(await this.generations(), this.now());
  }

  /**
   * The ID token algorithms the keys in service sign, read without creating keys (the command line asks this
   * before any server started): a first generation, when it comes, holds one key per algorithm of ours.
   */
  async algorithms(): Promise<SigningAlg[]> {
    const existing = generationsOf(await this.store.get('signing'));
    return existing ? signingAlgsOf(jwksInService(existing, this.now())) : [...SIGNING_ALGS];
  }

  /** Adds a generation that signs from now + `leadMs`; the current one keeps signing until then. */
  async rotate(leadMs: number): Promise<KeyStatus[]> {
    if (!Number.isInteger(leadMs) || leadMs < 0 || leadMs > 7 * 86_400_000) throw new KeyError('lead-time: whole seconds from 0 to 604800');
    await this.generations(); // migrate or create first
    const keys = (await generateSigningKeys()).keys;
    const now = this.now();
    await this.#change((generations) => [...generations, { keys, createdAt: now, activeFrom: now + leadMs }]);
    return this.status();
  }

  /** Stops publishing the generation holding `kid` at once; the generation that signs now cannot be retired. */
  async retire(kid: string): Promise<KeyStatus[]> {
    await this.generations();
    const now = this.now();
    await this.#change((generations) => {
      const statuses = keyStatuses(generations, now);
      const sorted = [...generations].sort((a, b) => a.activeFrom - b.activeFrom);
      const index = sorted.findIndex((g) => g.keys.some((k) => k.kid === kid));
      if (index < 0) throw new KeyError(`key ${kid}: not found`, 'not_found');
      if (statuses[index]!.state === 'active') throw new KeyError(`key ${kid}: it signs now; rotate first, then retire it`);
      return sorted.map((g, i) => (i === index ? { ...g, retiredAt: now } : g));
    });
    return this.status();
  }

  async #change(change: (generations: KeyGeneration[]) => KeyGeneration[]): Promise<void> {
    await updateRecord(this.store, 'signing', (current) => ({ generations: change(generationsOf(current) ?? []) }));
  }
}
