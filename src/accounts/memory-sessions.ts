/** An account's sessions in this process's memory storage (the embedded default): the memory twin of redis-sessions.ts. */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { SessionStore } from './sessions.js';
import { forgetMemorySessions, memoryAccountSessions, memoryAdapter, memorySessionSeen } from '../storage/memory-adapter.js';
import type { SessionSeen } from '../storage/session-seen.js';

export class MemorySessions implements SessionStore {
  readonly #sessions: Adapter = memoryAdapter('Session');

  async ids(accountId: string): Promise<string[]> {
    return memoryAccountSessions(accountId);
  }

  async read(id: string): Promise<AdapterPayload | undefined> {
    return (await this.#sessions.find(id)) ?? undefined;
  }

  async seen(id: string): Promise<SessionSeen | undefined> {
    return memorySessionSeen(id);
  }

  async destroy(id: string): Promise<void> {
    await this.#sessions.destroy(id);
  }

  async forget(accountId: string, ids: readonly string[]): Promise<void> {
    forgetMemorySessions(accountId, ids);
  }
}
