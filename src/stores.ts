/**
 * Our own data stores on the configured backend: Redis when configured, memory for the embedded default.
 * Shared by the server and the command line, so both read and write the same records.
 */
import { AdminData } from './backup/backup-store.js';
import { AdminTokens, type AdminTokenRecord } from './accounts/admin-tokens.js';
import { Consents } from './accounts/consents.js';
import { defaultsFrom, ProviderSettingsStore, type ProviderSettings } from './settings/provider-settings.js';
import { Scopes, type ScopeRecord } from './scopes/scopes.js';
import { passwordHasher } from './accounts/passwords.js';
import { LoginThrottle } from './accounts/throttle.js';
import { AuditLog, type AuditCopy } from './audit/audit.js';
import { ClientUsage } from './clients/usage.js';
import { Users, type UserRecord } from './accounts/users.js';
import { Groups, type GroupRecord } from './groups/groups.js';
import { memberIndex } from './groups/member-index.js';
import { InitialAccessTokens } from './clients/initial-access-tokens.js';
import { CachedCollection } from './storage/cached-collection.js';
import { Directories } from './directories/directories.js';
import type { DirectoryRecord } from './directories/directory-record.js';
import { DirectorySignIn } from './directories/directory-sign-in.js';
import { Idps } from './idps/idps.js';
import type { IdpRecord } from './idps/idp-record.js';
import { FederatedAccounts, type LinkRecord } from './idps/federated-accounts.js';
import { PendingSignIns } from './idps/pending-sign-ins.js';
import { MemoryAssertionReplay, RedisAssertionReplay, type AssertionReplay } from './idps/saml/index.js';
import { MemoryPending } from './idps/memory-pending.js';
import { RedisPending } from './idps/redis-pending.js';
import type { ClientRecord } from './clients/client-record.js';
import { ClientRegistry } from './clients/registry.js';
import { DeclaredClients } from './clients/declared-clients.js';
import type { KeyMaterial } from './keys/generated-keys.js';
import { Keyring } from './keys/keyring.js';
import { signingAlgsOf } from './keys/signing-algs.js';
import { SealedKeyStore } from './keys/sealed-key-store.js';
import { STANDARD_SCOPES } from './oidc/claims.js';
import type { Settings } from './config/settings.js';
import type { Collection, CollectionSet, IndexOf } from './storage/collection.js';
import { MemoryAttempts } from './accounts/memory-attempts.js';
import { MemoryAudit } from './audit/memory-audit.js';
import { memoryAdapter } from './storage/memory-adapter.js';
import { MemoryCollectionSet } from './storage/memory-collection.js';
import { RedisAdapter } from './storage/redis-adapter.js';
import { RedisAttempts } from './accounts/redis-attempts.js';
import { RedisAudit } from './audit/redis-audit.js';
import { RedisCollectionSet } from './storage/redis-collection.js';
import { RedisConsents } from './accounts/redis-consents.js';
import { MemoryUsage } from './clients/memory-usage.js';
import { MemoryWindowCounter } from './limits/memory-window-counter.js';
import { RedisWindowCounter } from './limits/redis-window-counter.js';
import type { WindowCounter } from './limits/rate-limit.js';
import { RedisUsage } from './clients/redis-usage.js';
import { AccountSessions } from './accounts/sessions.js';
import { MemorySessions } from './accounts/memory-sessions.js';
import { RedisSessions } from './accounts/redis-sessions.js';
import { Logouts } from './logout/logouts.js';
import { openRedis, type RedisClient } from './storage/redis.js';
import { Factors, type MfaRecord } from './mfa/factors.js';
import { MemoryUsedCodes } from './mfa/memory-used-codes.js';
import { RedisUsedCodes } from './mfa/redis-used-codes.js';

/** How long closing waits for back-channel logout deliveries still under way. */
const LOGOUT_SETTLE_MS = 5000;

export interface Stores {
  redis: RedisClient | undefined;
  users: Users;
  /** Local groups; their memberships live on the user records, listed by the users' member index. */
  groups: Groups;
  clients: ClientRegistry;
  keys: Collection<KeyMaterial>;
  keyring: Keyring;
  scopes: Scopes;
  throttle: LoginThrottle;
  /** Rate-limit windows (new interactions, registrations). */
  counters: WindowCounter;
  audit: AuditLog;
  /** Authorizations per client, day and response type (console: last used, implicit migration). */
  usage: ClientUsage;
  adminTokens: AdminTokens;
  providerSettings: ProviderSettingsStore;
  adminData: AdminData;
  consents: Consents;
  /** Initial access tokens for dynamic client registration. */
  registrationTokens: InitialAccessTokens;
  /** Each account's sessions, listed and ended (with back-channel logout). */
  sessions: AccountSessions;
  /** Back-channel logout delivery. */
  logouts: Logouts;
  /** LDAP and Active Directory directories, and the sign-in through them (its connection pool). */
  directories: Directories;
  directorySignIn: DirectorySignIn;
  /** Upstream OpenID Connect and SAML identity providers, their users' links, and the sign-ins under way at them. */
  idps: Idps;
  federatedAccounts: FederatedAccounts;
  pendingSignIns: PendingSignIns;
  /** SAML assertion IDs already accepted, until they expire. */
  samlReplay: AssertionReplay;
  /** Second factors (authenticator apps, recovery codes), sealed at rest like the keys. */
  mfa: Factors;
  close(): Promise<void>;
}

/** `auditCopy`: where each audit event is also written (the server's log); the command line's changes have none. */
export async function openStores(settings: Settings, connectionName?: string, onAuditError?: (err: unknown) => void, auditCopy?: AuditCopy): Promise<Stores> {
  const redis = settings.redis ? await openRedis(settings.redis, connectionName) : undefined;
  const audit = new AuditLog(redis ? new RedisAudit(redis) : new MemoryAudit(), undefined, onAuditError, auditCopy);
  const sets: CollectionSet = redis ? new RedisCollectionSet(redis) : new MemoryCollectionSet();
  const collection = <T>(name: string, index?: IndexOf<T>): Collection<T> => sets.collection<T>(name, index);
  const keys = new SealedKeyStore<KeyMaterial>(collection('keys'), settings.keysEncryptionKey);
  const usage = new ClientUsage(redis ? new RedisUsage(redis) : new MemoryUsage(), 1000, onAuditError);
  const scopes = new Scopes(collection<ScopeRecord>('scopes'), settings.scopes);
  // oidc-provider reads the client and the account on every authorization: kept in memory, dropped on every
  // instance at each change.
  const cached = <T>(name: string, index?: IndexOf<T>) => (redis ? new CachedCollection(collection<T>(name, index), redis, name, settings.redis?.keyPrefix) : undefined);
  const consentStore = redis ? new RedisConsents(redis) : undefined;
  const clientRecords = cached<ClientRecord>('clients');
  // Each user is listed in the member set of each of its groups, in the write that changes the user.
  const userRecords = cached<UserRecord>('users', memberIndex);
  const userCollection = userRecords ?? collection<UserRecord>('users', memberIndex);
  // Users written before the index existed: indexed once (later opens cost one read); a Redis not yet reachable
  // leaves it to the next open.
  await sets.buildIndex('users').catch(() => undefined);
  const keyring = new Keyring(keys);
  const directories = new Directories(collection<DirectoryRecord>('directories'), settings.keysEncryptionKey);
  const configuredAlgs = settings.jwks && signingAlgsOf(settings.jwks);
  const clients = new ClientRegistry(clientRecords ?? collection<ClientRecord>('clients'), {
    production: settings.production,
    scopes: async () => {
      const all = await scopes.list();
      return { known: [...new Set([...STANDARD_SCOPES, ...all.map((s) => s.id)])], defaults: all.filter((s) => s.default).map((s) => s.id) };
    },
    // Configured keys (JWKS, JWKS_FILE) are the server's too when the command line runs with its environment.
    signingAlgs: async () => configuredAlgs || (await keyring.algorithms()),
    declared: DeclaredClients.of(settings),
  });
  const logouts = new Logouts({
    issuer: settings.issuer,
    defaultAlg: settings.idTokenSigningAlg,
    staticClients: [...settings.clients, ...(settings.demo?.clients ?? [])],
    clients,
    keys: async () => settings.jwks ?? (await keyring.inService()),
    audit,
  });
  const sessions = new AccountSessions(redis ? new RedisSessions(redis) : new MemorySessions(), (ended) => logouts.notify(ended));
  // A credential change frees the user's grants and tokens on Redis (oidc-provider's memory adapter keeps its own)
  // and ends the user's sessions, telling each application they signed into (back-channel logout).
  const users = new Users(userCollection, passwordHasher(settings.argon2), async (sub) => {
    await consentStore?.revokeAll(sub);
    await sessions.end(sub, 'credentials changed');
  });
  const directorySignIn = new DirectorySignIn(directories, users);
  return {
    redis,
    users,
    groups: new Groups(collection<GroupRecord>('groups'), users, userCollection),
    clients,
    scopes,
    keys,
    keyring,
    throttle: new LoginThrottle(redis ? new RedisAttempts(redis) : new MemoryAttempts()),
    counters: redis ? new RedisWindowCounter(redis) : new MemoryWindowCounter(),
    audit,
    usage,
    adminTokens: new AdminTokens(collection<AdminTokenRecord>('admin-tokens')),
    providerSettings: new ProviderSettingsStore(collection<Partial<ProviderSettings>>('settings'), defaultsFrom(settings)),
    consents: new Consents(consentStore, audit),
    adminData: new AdminData(sets, {
      production: settings.production,
      configuredScopes: settings.scopes.map((s) => s.id),
      settingDefaults: defaultsFrom(settings),
      metadataFor: (...args) => clients.metadataFor(...args),
    }, async () => {
      // An import writes the collections underneath the caches: every instance drops its copies.
      await Promise.all([clientRecords?.announceAll(), userRecords?.announceAll()]);
    }, settings.keysEncryptionKey),
    mfa: new Factors(new SealedKeyStore<MfaRecord>(collection('mfa'), settings.keysEncryptionKey), redis ? new RedisUsedCodes(redis) : new MemoryUsedCodes()),
    registrationTokens: new InitialAccessTokens((model) => (redis ? new RedisAdapter(redis, model) : memoryAdapter(model)), settings.issuer),
    sessions,
    logouts,
    directories,
    directorySignIn,
    idps: new Idps(collection<IdpRecord>('idps'), settings.keysEncryptionKey),
    federatedAccounts: new FederatedAccounts(collection<LinkRecord>('idp-links'), users),
    pendingSignIns: new PendingSignIns(redis ? new RedisPending(redis) : new MemoryPending()),
    samlReplay: redis ? new RedisAssertionReplay(redis) : new MemoryAssertionReplay(),
    async close() {
      // Back-channel notices still under way get a few seconds; what remains then is dropped and audited.
      await logouts.delivery.settle(LOGOUT_SETTLE_MS);
      await directorySignIn.close();
      clientRecords?.close();
      userRecords?.close();
      await Promise.all([audit.flush(), usage.flush()]);
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
