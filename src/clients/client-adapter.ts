/**
 * oidc-provider's Client model backed by the registry: a client created on the command line is found by
 * the next request, on every instance, without restart. oidc-provider writes here only for dynamic client
 * registration (RFC 7591/7592), which stores through the registry by the same rules.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { storeRegistered, type RegistrationPolicy } from './dynamic-registration.js';
import type { ClientRegistry } from './registry.js';

const unsupported = async (): Promise<never> => {
  throw new Error('clients are not consumed');
};

export function clientAdapter(registry: ClientRegistry, policy: RegistrationPolicy): Adapter {
  return {
    find: async (id) => {
      const record = await registry.find(id);
      return record && !record.disabled ? ({ ...record.registered, ...record.metadata } as AdapterPayload) : undefined;
    },
    upsert: (id, payload) => storeRegistered(registry, id, payload, policy),
    // Only the RFC 7592 delete calls this, for the client its registration access token belongs to.
    destroy: async (id) => {
      await registry.delete(id);
    },
    consume: unsupported,
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
    revokeByGrantId: async () => undefined,
  };
}
