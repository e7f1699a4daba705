/**
 * oidc-provider's own in-memory adapter, for the embedded default (no Redis): used by name so that its Client
 * model can still be our registry. Its storage is one per process, shared by every provider instance; so is the
 * account → sessions index kept beside it here (the memory twin of storage/account-sessions.ts).
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { seenFrom, type SessionSeen } from './session-seen.js';
// @ts-expect-error oidc-provider declares types for its entry point only
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';

/** Account → its sessions' ids and expiries (Unix seconds), in this process. */
const sessionsByAccount = new Map<string, Map<string, number | undefined>>();

/** Session id → the browser that last saved it (storage/session-seen.ts). */
const seenBySession = new Map<string, SessionSeen>();

export const memorySessionSeen = (id: string): SessionSeen | undefined => seenBySession.get(id);

/** The live session ids of an account in this process's memory storage, oldest first. */
export function memoryAccountSessions(accountId: string): string[] {
  const entry = sessionsByAccount.get(accountId);
  if (!entry) return [];
  const now = Date.now() / 1000;
  for (const [id, exp] of entry) {
    if (exp !== undefined && exp <= now) {
      entry.delete(id);
      seenBySession.delete(id);
    }
  }
  if (entry.size === 0) sessionsByAccount.delete(accountId);
  return [...entry.keys()];
}

/** Drops ids from an account's entry (sessions found gone). */
export function forgetMemorySessions(accountId: string, ids: readonly string[]): void {
  const entry = sessionsByAccount.get(accountId);
  for (const id of ids) {
    entry?.delete(id);
    seenBySession.delete(id);
  }
  if (entry?.size === 0) sessionsByAccount.delete(accountId);
}

class IndexedSessions extends (MemoryAdapter as new (model: string) => Adapter) {
  constructor(
    model: string,
    private readonly currentRequest: () => object | undefined,
  ) {
    super(model);
  }

  override async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    await super.upsert(id, payload, expiresIn);
    if (typeof payload.accountId !== 'string') return;
    const entry = sessionsByAccount.get(payload.accountId) ?? new Map<string, number | undefined>();
    entry.delete(id); // re-inserted last: the map keeps the order of latest saves
    entry.set(id, expiresIn > 0 ? Date.now() / 1000 + expiresIn : undefined);
    sessionsByAccount.set(payload.accountId, entry);
    const seen = seenFrom(this.currentRequest(), Math.floor(Date.now() / 1000));
    if (seen) seenBySession.set(id, seen);
  }

  override async destroy(id: string): Promise<void> {
    seenBySession.delete(id);
    await super.destroy(id);
  }
}

/** `currentRequest`: the request being served (oidc-provider's Provider.ctx), whose browser a session save records. */
export const memoryAdapter = (model: string, currentRequest: () => object | undefined = () => undefined): Adapter =>
  model === 'Session' ? new IndexedSessions(model, currentRequest) : new (MemoryAdapter as new (model: string) => Adapter)(model);
