/**
 * Connections to the directories (ldapts): a small pool per directory of connections bound as its service
 * account, each opened on the first of its URLs that answers (failover), StartTLS or ldaps:// verified against the
 * directory's CA, with connect and operation timeouts. A connection that failed in transport is dropped, never reused.
 */
import { Client, ResultCodeError } from 'ldapts';
import { AppError } from '../errors.js';
import type { DirectoryRecord } from './directory-record.js';

/** Idle connections kept per directory. */
const POOL_SIZE = 8;

/** The directory did not answer (refused, timed out, TLS refused): the sign-in says the directory is unavailable. */
export class DirectoryUnavailable extends AppError {
  override name = 'DirectoryUnavailable';
  constructor(
    readonly directory: string,
    message: string,
    cause?: unknown,
  ) {
    super('unavailable', `directory ${directory}: ${message}`, { field: 'directory', cause });
  }
}

/** An LDAP answer (a result code) as opposed to a transport failure. */
export const isLdapAnswer = (err: unknown): err is ResultCodeError => err instanceof ResultCodeError;

export interface Connection {
  client: Client;
  url: string;
}

/** Where each step's time goes, for `directory test`. */
export type StepLog = (step: string, ok: boolean, detail?: string) => void;

export class LdapConnections {
  readonly #idle = new Map<string, Connection[]>();

  /** Identity of a directory's configuration: a changed directory never reuses connections of its old settings. */
  static keyOf(d: DirectoryRecord): string {
    return `${d.name}\0${d.updatedAt}`;
  }

  /**
   * Runs `work` on a connection bound as the service account; puts it back when `work` ends normally (or with an
   * LDAP answer), drops it on a transport failure, which becomes DirectoryUnavailable.
   */
  async use<T>(d: DirectoryRecord, work: (c: Connection) => Promise<T>, log?: StepLog): Promise<T> {
    const key = LdapConnections.keyOf(d);
    const pooled = this.#idle.get(key)?.pop();
    let connection: Connection | undefined;
    if (pooled) {
      // The last sign-in left it bound as its user: back to the service account. A connection the server closed
      // meanwhile (restart, idle timeout) is dropped, and a fresh one opened.
      connection = await this.#serviceBind(d, pooled, log).then(
        () => pooled,
        (err: unknown) => {
          discard(pooled.client);
          if (err instanceof AppError) throw err;
          return undefined;
        },
      );
    }
    connection ??= await this.#open(d, log);
    try {
      const result = await work(connection);
      this.#release(key, connection);
      return result;
    } catch (err) {
      if (isLdapAnswer(err)) this.#release(key, connection);
      else discard(connection.client);
      throw isLdapAnswer(err) || err instanceof AppError ? err : new DirectoryUnavailable(d.name, `no answer (${describe(err)})`, err);
    }
  }

  /** Closes every idle connection (a directory deleted or changed, or the process stopping). */
  async close(name?: string): Promise<void> {
    const keys = [...this.#idle.keys()].filter((k) => name === undefined || k.startsWith(`${name}\0`));
    await Promise.all(keys.flatMap((k) => (this.#idle.get(k) ?? []).map((c) => c.client.unbind().catch(() => undefined))));
    for (const k of keys) this.#idle.delete(k);
  }

  #release(key: string, connection: Connection): void {
    const idle = this.#idle.get(key) ?? [];
    if (idle.length >= POOL_SIZE) {
      void connection.client.unbind().catch(() => undefined);
      return;
    }
    idle.push(connection);
    this.#idle.set(key, idle);
    // Connections of a directory's previous settings go.
    const name = `${key.split('\0')[0]}\0`;
    for (const [other, stale] of this.#idle) {
      if (other === key || !other.startsWith(name)) continue;
      this.#idle.delete(other);
      for (const c of stale) void c.client.unbind().catch(() => undefined);
    }
  }

  async #open(d: DirectoryRecord, log?: StepLog): Promise<Connection> {
    const failures: string[] = [];
    for (const url of d.urls) {
      const tlsOptions = { ...(d.ca ? { ca: [d.ca] } : {}), rejectUnauthorized: true, minVersion: 'TLSv1.2' as const };
      // ldapts speaks TLS from the first byte whenever tlsOptions are given: only for ldaps:// URLs.
      const client = new Client({ url, connectTimeout: d.connectTimeoutMs, timeout: d.timeoutMs, strictDN: false, ...(url.startsWith('ldaps:') ? { tlsOptions } : {}) });
      const connection = { client, url };
      try {
        if (d.startTls) await client.startTLS(tlsOptions);
        await this.#serviceBind(d, connection, log);
        log?.('connect', true, url);
        return connection;
      } catch (err) {
        discard(client);
        if (err instanceof AppError) throw err;
        failures.push(`${url}: ${describe(err)}`);
        log?.('connect', false, `${url}: ${describe(err)}`);
      }
    }
    throw new DirectoryUnavailable(d.name, `no URL answered (${failures.join('; ')})`);
  }

  async #serviceBind(d: DirectoryRecord, { client }: Connection, log?: StepLog): Promise<void> {
    // An import without KEYS_ENCRYPTION_KEY leaves the password unset; an empty bind would be an anonymous one.
    if (!d.bindPassword) throw new DirectoryUnavailable(d.name, `no bind password is set: oidc-op directory update ${d.name} --bind-password-stdin`);
    try {
      await client.bind(d.bindDn, d.bindPassword);
    } catch (err) {
      // The server answered, and refused our own account: a configuration fault, not the user's.
      if (isLdapAnswer(err)) throw new DirectoryUnavailable(d.name, `the service account bind was refused (${err.message})`, err);
      throw err;
    }
    log?.('service bind', true, d.bindDn);
  }
}

/**
 * Closes a client for good. ldapts leaves its connect timer running when a connection is refused (until the connect
 * timeout, seconds later): cleared here, so a refused directory leaves nothing behind.
 */
function discard(client: Client): void {
  const timer = (client as unknown as { connectTimer?: NodeJS.Timeout }).connectTimer;
  if (timer) clearTimeout(timer);
  void client.unbind().catch(() => undefined);
}

export function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return `${typeof code === 'string' ? `${code} ` : ''}${err.message}`.slice(0, 300);
  }
  return String(err).slice(0, 300);
}
