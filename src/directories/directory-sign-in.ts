/**
 * The one service the login page calls for directory accounts: search-then-bind in the configured directories,
 * then the account mirrored as a user record (no password stored), so silent SSO, userinfo and tokens never wait
 * on a directory. It also keeps each directory's health and bind latency for /metrics.
 */
import type { UserRecord, Users } from '../accounts/users.js';
import type { AccountState } from './account-state.js';
import type { DirectoryRecord } from './directory-record.js';
import type { Directories } from './directories.js';
import { LdapConnections, type StepLog } from './ldap-connections.js';
import { searchThenBind, type BindOutcome } from './search-then-bind.js';
import { lookupName, routesFor } from './username-route.js';

export type DirectorySignInResult =
  | { kind: 'success'; user: UserRecord }
  | { kind: 'invalid'; reason: string }
  | { kind: 'state'; state: AccountState | 'disabled_here'; directory: string }
  | { kind: 'unavailable'; directory: string; reason: string; retryAfter: number };

/** What /metrics shows of the directories: each one's health and the time its sign-ins take. */
export interface DirectoryObserver {
  signIn(directory: string, seconds: number, outcome: BindOutcome['kind']): void;
  health(directory: string, up: boolean): void;
}

/** Seconds the login page asks a browser to wait when a directory does not answer. */
export const DIRECTORY_RETRY_AFTER = 30;
/** How long the list of directories is reused between sign-ins (a change takes effect within it). */
const LIST_TTL_MS = 2000;

export class DirectorySignIn {
  #list: { at: number; value: Promise<DirectoryRecord[]> } | undefined;

  constructor(
    private readonly directories: Pick<Directories, 'forSignIn'>,
    private readonly users: Pick<Users, 'mirror'>,
    readonly connections = new LdapConnections(),
    /** Set by the server (its metrics); the command line has none. */
    public observer?: DirectoryObserver,
  ) {}

  #configured(): Promise<DirectoryRecord[]> {
    const now = Date.now();
    if (!this.#list || now - this.#list.at > LIST_TTL_MS) {
      const value = this.directories.forSignIn();
      this.#list = { at: now, value };
      value.catch(() => (this.#list = undefined));
    }
    return this.#list.value;
  }

  /**
   * Whether a sign-in name goes to the directories: some are configured, and no local account holds the name
   * (`local` is only asked when there are directories, so a provider without any pays nothing).
   */
  async handles(local: () => Promise<UserRecord | undefined>): Promise<boolean> {
    if ((await this.#configured()).length === 0) return false;
    const user = await local();
    return user === undefined || user.source?.kind === 'directory';
  }

  /**
   * The name the login throttle counts a directory sign-in under: `CORP\alice`, `alice@corp.example` and
   * `alice@corp` are one account, so its forms do not multiply the attempts that reach the directory.
   */
  async throttleName(username: string): Promise<string> {
    const directories = await this.#configured();
    if (directories.length === 0) return username;
    const [route, ...others] = routesFor(username, directories);
    return route && others.length === 0 && lookupName(route.name) && route.name !== username ? `${route.name}@${route.directory.name}` : username;
  }

  async signIn(username: string, password: string, log?: StepLog): Promise<DirectorySignInResult> {
    const directories = await this.#configured();
    const started = process.hrtime.bigint();
    const outcome = await searchThenBind(this.connections, directories, username, password, log);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const directory = outcome.kind === 'success' ? outcome.account.directory : 'directory' in outcome ? outcome.directory : undefined;
    if (directory) {
      this.observer?.signIn(directory, seconds, outcome.kind);
      this.observer?.health(directory, outcome.kind !== 'unavailable');
    }
    switch (outcome.kind) {
      case 'invalid':
      case 'state':
        return outcome;
      case 'unavailable':
        return { ...outcome, retryAfter: DIRECTORY_RETRY_AFTER };
      case 'success': {
        const { account } = outcome;
        const user = await this.users.mirror({
          sub: account.id,
          username: `${account.name}@${account.directory}`,
          claims: account.claims,
          externalGroups: account.groups,
          source: { kind: 'directory', name: account.directory, id: account.id },
        });
        log?.('mirrored', true, `${user.username} (sub ${user.sub})`);
        if (user.disabled) return { kind: 'state', state: 'disabled_here', directory: account.directory };
        return { kind: 'success', user };
      }
    }
  }

  close(): Promise<void> {
    return this.connections.close();
  }
}
