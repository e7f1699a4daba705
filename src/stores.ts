/**
 * Our own data stores on the configured backend: Redis when configured, memory for the embedded default.
 * Shared by the server and the command line, so both read and write the same records.
 */
import { AdminTokens, type AdminTokenRecord } from './admin/admin-tokens.js';
import { defaultsFrom, ProviderSettingsStore, type ProviderSettings } from './admin/provider-settings.js';
import { Scopes, type ScopeRecord } from './admin/scopes.js';
import { passwordHasher } from './accounts/passwords.js';
import { LoginThrottle } from './accounts/throttle.js';
import { AuditLog } from './ops/audit.js';
import { ClientUsage } from './ops/client-usage.js';
import { Users, type UserRecord } from './accounts/users.js';
import { ClientRegistry, type ClientRecord } from './clients/registry.js';
import type { KeyMaterial } from './keys/generated-keys.js';
import { Keyring } from './keys/keyring.js';
import { STANDARD_SCOPES } from './provider/claims.js';
import type { Settings } from './settings.js';
import type { Collection } from './storage/collection.js';
import { MemoryAttempts } from './storage/memory-attempts.js';
import { MemoryAudit } from './storage/memory-audit.js';
import { MemoryCollection } from './storage/memory-collection.js';
import { MemoryUsage } from './storage/memory-usage.js';
import { RedisAttempts } from './storage/redis-attempts.js';
import { RedisAudit } from './storage/redis-audit.js';
import { RedisCollection } from './storage/redis-collection.js';
import { RedisUsage } from './storage/redis-usage.js';
import { createRedis, type RedisClient } from './storage/redis.js';

export interface Stores {
  redis: RedisClient | undefined;
  users: Users;
  clients: ClientRegistry;
  keys: Collection<KeyMaterial>;
  keyring: Keyring;
  scopes: Scopes;
  throttle: LoginThrottle;
  audit: AuditLog;
  /** Authorizations per client, day and response type (console: last used, implicit migration). */
  usage: ClientUsage;
  adminTokens: AdminTokens;
  providerSettings: ProviderSettingsStore;
  close(): Promise<void>;
}

export async function openStores(settings: Settings, connectionName?: string, onAuditError?: (err: unknown) => void): Promise<Stores> {
  const redis = settings.redis ? createRedis(settings.redis, connectionName) : undefined;
  if (redis) await redis.connect();
  const audit = new AuditLog(redis ? new RedisAudit(redis) : new MemoryAudit(), undefined, onAuditError);
  const collection = <T>(name: string): Collection<T> => (redis ? new RedisCollection<T>(redis, name) : new MemoryCollection<T>());
  const keys = collection<KeyMaterial>('keys');
  const usage = new ClientUsage(redis ? new RedisUsage(redis) : new MemoryUsage(), 1000, onAuditError);
  const scopes = new Scopes(collection<ScopeRecord>('scopes'), settings.scopes);
  return {
    redis,
    users: new Users(collection<UserRecord>('users'), passwordHasher(settings.argon2)),
    clients: new ClientRegistry(collection<ClientRecord>('clients'), {
      production: settings.production,
      scopes: async () => {
        const all = await scopes.list();
        return { known: [...new Set([...STANDARD_SCOPES, ...all.map((s) => s.id)])], defaults: all.filter((s) => s.default).map((s) => s.id) };
      },
    }),
    scopes,
    keys,
    keyring: new Keyring(keys),
    throttle: new LoginThrottle(redis ? new RedisAttempts(redis) : new MemoryAttempts()),
    audit,
    usage,
    adminTokens: new AdminTokens(collection<AdminTokenRecord>('admin-tokens')),
    providerSettings: new ProviderSettingsStore(collection<Partial<ProviderSettings>>('settings'), defaultsFrom(settings)),
    async close() {
      await Promise.all([audit.flush(), usage.flush()]);
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
