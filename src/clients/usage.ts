/**
 * Authorizations counted per client, day and response type, for the console's "last used" and the implicit
 * migration report. Counting happens in memory on the authorization path (no Redis command there); a batch is
 * written about once a second, so the silent path keeps its command budget.
 */
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

/** Counts by `YYYY-MM-DD` day, then by client and response type. */
export type UsageBatch = Map<string, { counts: Map<string, number>; last: Map<string, number> }>;

export interface UsageStore {
  add(batch: UsageBatch): Promise<void>;
  /** What was stored for these days. */
  read(days: string[]): Promise<UsageBatch>;
}

/** How long a day's counts are kept: the 30 days the console reports, and a margin. */
export const USAGE_DAYS_KEPT = 35;
export const IMPLICIT_TYPES = ['id_token', 'id_token token'] as const;

export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const field = (clientId: string, responseType: string) => `${responseType}|${clientId}`;

export interface ClientUsageSummary {
  /** Epoch ms of the newest authorization counted. */
  lastUsed?: number;
  /** Authorizations by response type over the days asked for. */
  byType: Record<string, number>;
}

export class ClientUsage {
  #batch: UsageBatch = new Map();
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: UsageStore,
    private readonly flushMs = 1000,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  record(clientId: string, responseType: string, now = Date.now()): void {
    const day = dayOf(now);
    let entry = this.#batch.get(day);
    if (!entry) this.#batch.set(day, (entry = { counts: new Map(), last: new Map() }));
    const key = field(clientId, responseType);
    entry.counts.set(key, (entry.counts.get(key) ?? 0) + 1);
    entry.last.set(clientId, now);
    this.#timer ??= setTimeout(() => void this.flush(), this.flushMs).unref();
  }

  /** Writes what is counted; resolves once everything recorded so far is stored. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#batch;
    this.#batch = new Map();
    // An outage loses the counts rather than a sign-in.
    if (batch.size) this.#writing = this.#writing.then(() => this.store.add(batch)).catch(this.onError);
    return this.#writing;
  }

  /** Per client: the last authorization (within the days kept) and the counts by response type over `days` days. */
  async summary(days = 30, now = Date.now()): Promise<Map<string, ClientUsageSummary>> {
    await this.flush();
    const keptDays = Array.from({ length: USAGE_DAYS_KEPT }, (_, i) => dayOf(now - i * 86_400_000));
    const recent = new Set(keptDays.slice(0, days));
    const stored = await this.store.read(keptDays);
    const result = new Map<string, ClientUsageSummary>();
    const of = (clientId: string) => {
      let s = result.get(clientId);
      if (!s) result.set(clientId, (s = { byType: {} }));
      return s;
    };
    for (const [day, { counts, last }] of stored) {
      for (const [clientId, ms] of last) {
        const s = of(clientId);
        s.lastUsed = Math.max(s.lastUsed ?? 0, ms);
      }
      if (!recent.has(day)) continue;
      for (const [key, n] of counts) {
        const bar = key.indexOf('|');
        const s = of(key.slice(bar + 1));
        const type = key.slice(0, bar);
        s.byType[type] = (s.byType[type] ?? 0) + n;
      }
    }
    return result;
  }
}

/** Every successful authorization (interactive or silent) counted for its client and response type. */
export function countAuthorizations(provider: Provider, usage: ClientUsage): void {
  provider.on('authorization.success', (ctx: KoaContextWithOIDC) => {
    const clientId = ctx.oidc.client?.clientId;
    if (clientId) usage.record(clientId, String(ctx.oidc.params?.response_type ?? ''));
  });
}
