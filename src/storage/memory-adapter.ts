/**
 * oidc-provider's own in-memory adapter, for the embedded default (no Redis): used by name so that its Client
 * model can still be our registry. Its storage is one per process, shared by every provider instance.
 */
import type { Adapter } from 'oidc-provider';
// @ts-expect-error oidc-provider declares types for its entry point only
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';

export const memoryAdapter = (model: string): Adapter => new (MemoryAdapter as new (model: string) => Adapter)(model);
