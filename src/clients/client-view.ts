/** A client as administrators see it on the command line, in the admin API and the console: never its secret hash. */
import type { ClientMetadata } from 'oidc-provider';
import type { ClientRecord } from './client-record.js';

/** Hides the stored secret hash from what is shown. */
export function publicMetadata(metadata: ClientMetadata): ClientMetadata {
  const { client_secret: _hash, ...rest } = metadata;
  return rest;
}

/** A client as administrators see it (command line and API): metadata without the secret, plus our fields. */
export const clientView = (record: ClientRecord) => ({
  ...publicMetadata(record.metadata),
  ...(record.description ? { description: record.description } : {}),
  disabled: record.disabled === true,
  ...(record.registered ? { dynamically_registered: true } : {}),
  created_at: record.createdAt,
});
