/** Start-up check of the clients config files declare, against the same redirect URI policy as the registry. */
import { SettingsError, type ClientConfig } from '../settings.js';
import { redirectUriProblem } from './redirect-uri-policy.js';

/** `reserved`: client ids the server defines itself (the web console's). */
export function checkStaticClients(clients: readonly ClientConfig[], label: string, policy: { production: boolean }, reserved: readonly string[] = []): void {
  clients.forEach((client, i) => {
    if (reserved.includes(client.client_id)) throw new SettingsError(`${label} [${i}].client_id: ${client.client_id} is the provider's own (the web console)`);
    for (const field of ['redirect_uris', 'post_logout_redirect_uris'] as const) {
      (client[field] ?? []).forEach((uri, j) => {
        const problem = redirectUriProblem(uri, policy);
        if (problem) throw new SettingsError(`${label} [${i}].${field}[${j}]: ${uri} ${problem}`);
      });
    }
  });
}
