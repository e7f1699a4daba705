/**
 * Back-channel logout delivery: each ended session's clients that asked to know get a logout token POSTed, in the
 * background. A queue bounded in notices and in concurrent requests; each POST bounded in time; a failure retried with
 * doubling backoff up to a bounded number of attempts. Nothing waits for it but `settle()` (the command line before it
 * exits, and tests): a slow or dead client never holds a sign-out.
 */
import { STATUS_CODES } from 'node:http';

/** One client to tell that a session it signed into has ended. */
export interface LogoutNotice {
  clientId: string;
  /** The account (sub) whose session ended. */
  accountId: string;
  /** The session id the client was given in its ID token. */
  sid: string;
  /** Why the session ended, for the audit trail ("sign-out", "signed out by an administrator"…). */
  reason: string;
}

/** What a client registered for back-channel logout, or undefined when it did not (or is gone). */
export interface BackchannelTarget {
  uri: string;
  sessionRequired: boolean;
  /** The algorithm its ID tokens are signed with. */
  alg: string;
}

export type DeliveryOutcome = 'delivered' | 'failed' | 'dropped';

export interface DeliveryDeps {
  target(clientId: string): Promise<BackchannelTarget | undefined>;
  sign(notice: LogoutNotice, target: BackchannelTarget): Promise<string>;
  /** Each notice's end: delivered, failed after its last attempt, or dropped (queue full, or abandoned at close). */
  onResult(notice: LogoutNotice, outcome: DeliveryOutcome, attempts: number, detail?: string): void;
}

export interface DeliveryLimits {
  /** Notices waiting or in flight; beyond it a new notice is dropped (and reported). */
  maxPending: number;
  concurrency: number;
  attempts: number;
  /** The first retry's delay; each later one doubles it. */
  backoffMs: number;
  timeoutMs: number;
}

export const DEFAULT_DELIVERY_LIMITS: DeliveryLimits = { maxPending: 10_000, concurrency: 8, attempts: 5, backoffMs: 1000, timeoutMs: 5000 };

interface Job {
  notice: LogoutNotice;
  attempts: number;
}

export class BackchannelDelivery {
  readonly #ready: Job[] = [];
  readonly #timers = new Map<NodeJS.Timeout, Job>();
  #pending = 0;
  #running = 0;
  #idle: (() => void)[] = [];

  constructor(
    private readonly deps: DeliveryDeps,
    private readonly limits: DeliveryLimits = DEFAULT_DELIVERY_LIMITS,
  ) {}

  /** Notices waiting, retrying or in flight. */
  get pending(): number {
    return this.#pending;
  }

  /** Queues the notices; returns at once. */
  enqueue(...notices: LogoutNotice[]): void {
    for (const notice of notices) {
      if (this.#pending >= this.limits.maxPending) {
        this.deps.onResult(notice, 'dropped', 0, 'delivery queue full');
        continue;
      }
      this.#pending += 1;
      this.#ready.push({ notice, attempts: 0 });
    }
    this.#pump();
  }

  /**
   * Resolves once every notice has ended, or after `withinMs`: what is still waiting then is dropped (reported), so
   * a process that must exit never hangs on a dead client.
   */
  async settle(withinMs: number): Promise<void> {
    if (this.#pending === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<void>((resolve) => this.#idle.push(resolve));
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), withinMs)));
    const result = await Promise.race([idle, late]);
    clearTimeout(timer);
    if (result !== 'late') return;
    for (const [waiting, job] of this.#timers) {
      clearTimeout(waiting);
      this.#end(job, 'dropped', 'abandoned: the process stopped before its next attempt');
    }
    this.#timers.clear();
    for (const job of this.#ready.splice(0)) this.#end(job, 'dropped', 'abandoned: the process stopped before its first attempt');
  }

  #pump(): void {
    while (this.#running < this.limits.concurrency && this.#ready.length > 0) {
      const job = this.#ready.shift()!;
      this.#running += 1;
      void this.#attempt(job).finally(() => {
        this.#running -= 1;
        this.#pump();
      });
    }
  }

  async #attempt(job: Job): Promise<void> {
    job.attempts += 1;
    let target: BackchannelTarget | undefined;
    try {
      target = await this.deps.target(job.notice.clientId);
    } catch (err) {
      return this.#retryOrFail(job, `client lookup failed: ${(err as Error).message}`);
    }
    if (!target) return this.#end(job, 'dropped', 'the client no longer has a back-channel logout URI');
    try {
      const token = await this.deps.sign(job.notice, target);
      const response = await fetch(target.uri, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: token }).toString(),
        signal: AbortSignal.timeout(this.limits.timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status === 200 || response.status === 204) return this.#end(job, 'delivered');
      // Back-Channel Logout 2.8: 400 means the client refused this token; sending it again will not help.
      if (response.status === 400) return this.#end(job, 'failed', `refused: 400 ${STATUS_CODES[400]}`);
      return this.#retryOrFail(job, `answered ${response.status} ${STATUS_CODES[response.status] ?? ''}`.trim());
    } catch (err) {
      const error = err as Error;
      return this.#retryOrFail(job, error.name === 'TimeoutError' ? `no answer within ${this.limits.timeoutMs} ms` : error.message);
    }
  }

  #retryOrFail(job: Job, detail: string): void {
    if (job.attempts >= this.limits.attempts) return this.#end(job, 'failed', detail);
    const delay = this.limits.backoffMs * 2 ** (job.attempts - 1);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#ready.push(job);
      this.#pump();
    }, delay);
    timer.unref();
    this.#timers.set(timer, job);
  }

  #end(job: Job, outcome: DeliveryOutcome, detail?: string): void {
    this.#pending -= 1;
    try {
      this.deps.onResult(job.notice, outcome, job.attempts, detail);
    } finally {
      if (this.#pending === 0) for (const resolve of this.#idle.splice(0)) resolve();
    }
  }
}
