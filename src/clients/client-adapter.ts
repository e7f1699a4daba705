/**
 * oidc-provider's Client model backed by the registry: a client created on the command line is found by
 * the next request, on every instance, without restart. Dynamic registration is off, so nothing writes here.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { ClientRegistry } from './registry.js';

const unsupported = async (): Promise<never> => {
  throw new Error('clients are written through the registry (oidc-op client …), not by oidc-provider');
};

export function clientAdapter(registry: ClientRegistry): Adapter {
  return {
    find: async (id) => {
      const record = await registry.find(id);
      return record && !record.disabled ? (record.metadata as AdapterPayload) : undefined;
    },
    upsert: unsupported,
    destroy: unsupported,
    consume: unsupported,
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
    revokeByGrantId: async () => undefined,
  };
}
