/**
 * The sign-ins sent to an upstream and not yet back: one record per start, under a random id (the OIDC `state`,
 * the SAML RelayState), kept for the interaction's remaining life and taken once. The verified identity is then kept
 * under the same id until the browser that started the sign-in comes back with its interaction cookie.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';
import type { PendingProtocolState, UpstreamIdentity } from './upstream.js';

export interface PendingSignIn {
  id: string;
  idp: string;
  interactionUid: string;
  keep: PendingProtocolState;
  createdAt: number;
  /** Unix seconds: when the interaction ends, and this with it. */
  expiresAt: number;
  /** Started without our login page (idp_hint, a login_hint's domain): a failure goes straight back to the client. */
  skippedPage?: boolean;
  /** The relying party's client_id, so a refusal at the callback or the ACS is audited with it. */
  client?: string;
  /** Asked of the upstream without interaction (the client's prompt=none): the done step shows nothing either. */
  passive?: boolean;
}

/** A refused or failed upstream answer, as the done route shows it. */
export interface UpstreamFailure {
  code: string;
  message: string;
  oauthError: 'access_denied' | 'login_required';
}

/** What the done route finds: the verified identity, or why there is none. */
export type UpstreamAnswer = { idp: string; skippedPage: boolean; passive?: boolean } & ({ identity: UpstreamIdentity; failure?: undefined } | { failure: UpstreamFailure; identity?: undefined });

/** Where pending sign-ins live (Redis, or memory for the embedded default): set with expiry, take once, count. */
export interface PendingStore {
  put(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** The value, removed in the same step: a second take finds nothing. */
  take(key: string): Promise<string | undefined>;
  /** Adds one to a counter that expires with its first use, and returns it. */
  count(key: string, ttlSeconds: number): Promise<number>;
}

/** Starts one interaction may make: a flood of them cannot fill Redis. */
export const PENDING_PER_INTERACTION = 10;
const ID_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

export class PendingSignIns {
  constructor(
    private readonly store: PendingStore,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** A new id (256 random bits) with nothing stored yet: the protocol needs it before `keep` exists. */
  newId(): string {
    return randomBytes(32).toString('base64url');
  }

  async save(pending: Omit<PendingSignIn, 'createdAt'>): Promise<PendingSignIn> {
    const ttl = pending.expiresAt - this.now();
    if (ttl <= 0) throw new AppError('conflict', 'the sign-in has expired; start again');
    if ((await this.store.count(`idp:starts:${pending.interactionUid}`, ttl)) > PENDING_PER_INTERACTION) throw new AppError('throttled', `at most ${PENDING_PER_INTERACTION} upstream sign-ins per sign-in page; start again`);
    const record: PendingSignIn = { ...pending, createdAt: this.now() };
    await this.store.put(`idp:pending:${pending.id}`, JSON.stringify(record), ttl);
    return record;
  }

  /** The pending sign-in of an upstream answer, consumed: a replayed answer finds nothing. */
  async take(id: string | null | undefined): Promise<PendingSignIn | undefined> {
    if (!id || !ID_PATTERN.test(id)) return undefined;
    const raw = await this.store.take(`idp:pending:${id}`);
    return raw === undefined ? undefined : (JSON.parse(raw) as PendingSignIn);
  }

  /**
   * After the protocol verified the answer: the identity is kept for the browser that started the sign-in, and this
   * is where to send it (the done route, behind its interaction cookie). The SAML ACS calls this too.
   */
  completeUpstreamAnswer(pending: PendingSignIn, identity: UpstreamIdentity): Promise<string> {
    return this.#answer(pending, { identity });
  }

  /** After the upstream refused or failed: the done route shows which sign-in failed, or tells the client. */
  failUpstreamAnswer(pending: PendingSignIn, failure: UpstreamFailure): Promise<string> {
    return this.#answer(pending, { failure: { ...failure, message: failure.message.slice(0, 300) } });
  }

  async #answer(pending: PendingSignIn, answer: { identity: UpstreamIdentity } | { failure: UpstreamFailure }): Promise<string> {
    const ttl = Math.max(1, pending.expiresAt - this.now());
    await this.store.put(`idp:done:${pending.id}`, JSON.stringify({ interactionUid: pending.interactionUid, idp: pending.idp, skippedPage: pending.skippedPage === true, ...(pending.passive ? { passive: true } : {}), ...answer }), ttl);
    return doneUrl(pending.interactionUid, pending.id);
  }

  /** The upstream's answer, taken once, only for the interaction it was started from. */
  async takeAnswer(id: string, interactionUid: string): Promise<UpstreamAnswer | undefined> {
    if (!ID_PATTERN.test(id)) return undefined;
    const raw = await this.store.take(`idp:done:${id}`);
    if (raw === undefined) return undefined;
    const { interactionUid: uid, ...answer } = JSON.parse(raw) as UpstreamAnswer & { interactionUid: string };
    return uid === interactionUid ? answer : undefined;
  }
}

export const doneUrl = (interactionUid: string, pendingId: string) => `/interaction/${encodeURIComponent(interactionUid)}/federation/done/${encodeURIComponent(pendingId)}`;
