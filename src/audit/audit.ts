/**
 * The audit trail: admin changes, logins, consent and token issuance, as events with who, what client, what
 * outcome and from where; never a password, secret or token. Events are buffered briefly and written as one
 * batch, so the hot path pays a fraction of one Redis command per event; each written event also goes out as one
 * log line, the durable copy a log shipper keeps.
 */
import type { Logger } from 'pino';
import { AUDIT_SCHEMA_VERSION, AUDIT_TRAILS, bounded, isUnauthenticatedFailure, trailsOf, type AuditEvent, type AuditTrail, type AuditType } from './audit-event.js';

export { AUDIT_TRAILS, trailOf, trailsOf, type AuditEvent, type AuditTrail, type AuditType } from './audit-event.js';

/** Where batches go: bounded Redis streams, or memory for the embedded default. */
export interface AuditStore {
  append(events: AuditEvent[]): Promise<void>;
  /** The newest events of one trail, newest first. */
  latest(limit: number, trail: AuditTrail): Promise<AuditEvent[]>;
}

/** Where each written event is copied: one structured log line per event. */
export type AuditCopy = (event: AuditEvent) => void;

/**
 * The copy through the server's logger, at info whatever LOG_LEVEL asks of the other lines (but silent stays
 * silent): a durable trail that a quieter log level dropped would not be one. Without the logger's redaction: an
 * event holds only the schema's fields (`bounded`), none of them a credential, and each sign-in writes one.
 */
export function auditLogCopy(logger: Logger): AuditCopy {
  const log = logger.child({}, { level: logger.level === 'silent' ? 'silent' : 'info', redact: [] });
  return (event) => log.info({ audit: { v: AUDIT_SCHEMA_VERSION, ...event } }, 'audit');
}

/** Newest-first lists as one, newest first (ISO times of one format compare as strings; a stable sort keeps ties in list order). */
function newestFirst(lists: AuditEvent[][], limit: number): AuditEvent[] {
  return lists
    .flat()
    .sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0))
    .slice(0, limit);
}

export interface AuditFilter {
  user?: string;
  client?: string;
  type?: AuditType;
}

const matches = (event: AuditEvent, filter: AuditFilter) =>
  (!filter.user || event.user === filter.user) && (!filter.client || event.client === filter.client) && (!filter.type || event.type === filter.type);

/** Repeated refusals from one address within a batch share one event: the same type, action and address. */
const repeatKey = (event: Omit<AuditEvent, 'time'>) => (isUnauthenticatedFailure(event) ? `${event.type}\n${event.action ?? ''}\n${event.ip ?? ''}` : undefined);

export class AuditLog {
  #buffer: AuditEvent[] = [];
  /** This batch's counted events by their repeat key. */
  #repeats = new Map<string, AuditEvent>();
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: AuditStore,
    private readonly options: { flushMs: number; maxBatch: number } = { flushMs: 200, maxBatch: 200 },
    private readonly onError: (err: unknown) => void = () => {},
    private readonly copy?: AuditCopy,
  ) {}

  record(event: Omit<AuditEvent, 'time'>): void {
    const key = repeatKey(event);
    const counted = key === undefined ? undefined : this.#repeats.get(key);
    if (counted) {
      counted.count = (counted.count ?? 1) + 1;
      return;
    }
    const stored = bounded({ time: new Date().toISOString(), ...event });
    if (key !== undefined) this.#repeats.set(key, Object.assign(stored, { count: 1 }));
    this.#buffer.push(stored);
    if (this.#buffer.length >= this.options.maxBatch) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.options.flushMs).unref();
  }

  /** Writes what is buffered; resolves once everything recorded so far is stored. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#buffer;
    this.#buffer = [];
    this.#repeats = new Map();
    if (batch.length) {
      // Copied first, so a Redis outage still leaves the log line; an outage loses the batch rather than the
      // request: auditing never fails a sign-in.
      if (this.copy) for (const event of batch) this.copy(event);
      this.#writing = this.#writing.then(() => this.store.append(batch)).catch(this.onError);
    }
    return this.#writing;
  }

  async tail(limit: number, filter: AuditFilter = {}): Promise<AuditEvent[]> {
    await this.flush();
    // Each trail read and filtered on its own, so a flood in one never hides an older event of another.
    const wanted = Object.values(filter).some(Boolean) ? limit * 20 : limit;
    const matching = async (trail: AuditTrail) => (await this.store.latest(wanted, trail)).filter((e) => matches(e, filter)).slice(0, limit);
    const trails = filter.type ? trailsOf(filter.type) : AUDIT_TRAILS;
    return newestFirst(await Promise.all(trails.map(matching)), limit);
  }
}
