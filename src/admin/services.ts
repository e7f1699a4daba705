/** What the admin surfaces (the API and the console) need from the wiring: the domain services, never the raw store. */
import type { AdminTokens } from '../accounts/admin-tokens.js';
import type { Consents } from '../accounts/consents.js';
import type { AccountSessions } from '../accounts/sessions.js';
import type { Users } from '../accounts/users.js';
import type { AuditLog } from '../audit/audit.js';
import type { AdminData } from '../backup/backup-store.js';
import type { InitialAccessTokens } from '../clients/initial-access-tokens.js';
import type { ClientRegistry } from '../clients/registry.js';
import type { ClientUsage } from '../clients/usage.js';
import type { Directories } from '../directories/directories.js';
import type { Idps } from '../idps/idps.js';
import type { FederatedAccounts } from '../idps/federated-accounts.js';
import type { Keyring } from '../keys/keyring.js';
import type { Factors } from '../mfa/factors.js';
import type { Scopes } from '../scopes/scopes.js';
import type { Groups } from '../groups/groups.js';
import type { ProviderSettingsStore } from '../settings/provider-settings.js';

export interface AdminServices {
  users: Users;
  groups: Groups;
  clients: ClientRegistry;
  scopes: Scopes;
  keyring: Keyring;
  consents: Consents;
  audit: AuditLog;
  /** Authorizations per client and day: the console's last use and implicit migration report. */
  usage: ClientUsage;
  adminTokens: AdminTokens;
  providerSettings: ProviderSettingsStore;
  adminData: AdminData;
  registrationTokens: InitialAccessTokens;
  /** Each user's sessions: listed and ended (with back-channel logout). */
  sessions: AccountSessions;
  /** LDAP and Active Directory directories. */
  directories: Directories;
  /** Upstream identity providers, and the users' links to them. */
  idps: Idps;
  federatedAccounts: FederatedAccounts;
  /** Users' second factors. */
  mfa: Factors;
}
