/**
 * The audit trail: admin changes, logins, consent and token issuance, as events with who, what client, what
 * outcome and from where; never a password, secret or token. Events are buffered briefly and written as one
 * batch, so the hot path pays a fraction of one Redis command per event.
 */
export type AuditType = 'admin' | 'login' | 'consent.given' | 'consent.revoked' | 'token.issued';

export interface AuditEvent {
  time: string;
  type: AuditType;
  outcome: 'success' | 'failure';
  /** Who did it: a username, `cli:<os user>`, or an admin token's name. */
  actor?: string;
  client?: string;
  user?: string;
  ip?: string;
  /** What happened, in a few words ("client update", "wrong password"). */
  action?: string;
}

/**
 * The two trails events are kept in, each bounded on its own: token issuance comes one event per sign-in, and in one
 * trail it would push admin changes, logins and consents out within minutes on a busy server.
 */
export const AUDIT_TRAILS = ['security', 'tokens'] as const;
export type AuditTrail = (typeof AUDIT_TRAILS)[number];
export const trailOf = (type: AuditType): AuditTrail => (type === 'token.issued' ? 'tokens' : 'security');

/** Where batches go: bounded Redis streams, or memory for the embedded default. */
export interface AuditStore {
  append(events: AuditEvent[]): Promise<void>;
  /** The newest events of one trail, newest first. */
  latest(limit: number, trail: AuditTrail): Promise<AuditEvent[]>;
}

/** Two newest-first lists as one, newest first (ISO times of one format compare as strings). */
function newestFirst(a: AuditEvent[], b: AuditEvent[], limit: number): AuditEvent[] {
  const merged: AuditEvent[] = [];
  let i = 0;
  let j = 0;
  while (merged.length < limit && (i < a.length || j < b.length)) {
    merged.push(j >= b.length || (i < a.length && a[i]!.time >= b[j]!.time) ? a[i++]! : b[j++]!);
  }
  return merged;
}

export interface AuditFilter {
  user?: string;
  client?: string;
  type?: AuditType;
}

const matches = (event: AuditEvent, filter: AuditFilter) =>
  (!filter.user || event.user === filter.user) && (!filter.client || event.client === filter.client) && (!filter.type || event.type === filter.type);

export class AuditLog {
  #buffer: AuditEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: AuditStore,
    private readonly options: { flushMs: number; maxBatch: number } = { flushMs: 200, maxBatch: 200 },
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  record(event: Omit<AuditEvent, 'time'>): void {
    this.#buffer.push({ time: new Date().toISOString(), ...event });
    if (this.#buffer.length >= this.options.maxBatch) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.options.flushMs).unref();
  }

  /** Writes what is buffered; resolves once everything recorded so far is stored. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#buffer;
    this.#buffer = [];
    if (batch.length) {
      // An outage loses the batch rather than the request: auditing never fails a sign-in.
      this.#writing = this.#writing.then(() => this.store.append(batch)).catch(this.onError);
    }
    return this.#writing;
  }

  async tail(limit: number, filter: AuditFilter = {}): Promise<AuditEvent[]> {
    await this.flush();
    // Each trail read and filtered on its own, so a flood of token issuance never hides an older login or admin change.
    const wanted = Object.values(filter).some(Boolean) ? limit * 20 : limit;
    const matching = async (trail: AuditTrail) => (await this.store.latest(wanted, trail)).filter((e) => matches(e, filter)).slice(0, limit);
    if (filter.type) return matching(trailOf(filter.type));
    const [security, tokens] = await Promise.all([matching('security'), matching('tokens')]);
    return newestFirst(security, tokens, limit);
  }
}
