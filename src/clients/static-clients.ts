/** Start-up check of the clients config files declare, against the same redirect URI policy as the registry. */
import type { ClientConfig } from '../config/client-schema.js';
import { SettingsError } from '../config/settings-error.js';
import { signingAlgProblem } from '../keys/signing-algs.js';
import { backchannelUriProblem, frontchannelUriProblem } from './logout-uri-policy.js';
import { redirectUriProblem } from './redirect-uri-policy.js';

/**
 * `reserved`: client ids the server defines itself (the web console's). `signingAlgs`: the ID token algorithms the
 * keys in service sign (every one of ours when not given).
 */
export function checkStaticClients(clients: readonly ClientConfig[], label: string, policy: { production: boolean; signingAlgs?: readonly string[] }, reserved: readonly string[] = []): void {
  clients.forEach((client, i) => {
    if (reserved.includes(client.client_id)) throw new SettingsError(`${label} [${i}].client_id: ${client.client_id} is the provider's own (the web console)`);
    const alg = client.id_token_signed_response_alg;
    const algProblem = alg && policy.signingAlgs && signingAlgProblem(alg, policy.signingAlgs);
    if (algProblem) throw new SettingsError(`${label} [${i}].id_token_signed_response_alg: ${algProblem}`);
    for (const field of ['redirect_uris', 'post_logout_redirect_uris'] as const) {
      (client[field] ?? []).forEach((uri, j) => {
        const problem = redirectUriProblem(uri, policy);
        if (problem) throw new SettingsError(`${label} [${i}].${field}[${j}]: ${uri} ${problem}`);
      });
    }
    const back = client.backchannel_logout_uri;
    const backProblem = back && backchannelUriProblem(back, policy);
    if (backProblem) throw new SettingsError(`${label} [${i}].backchannel_logout_uri: ${back} ${backProblem}`);
    const front = client.frontchannel_logout_uri;
    const frontProblem = front && frontchannelUriProblem(front, client.redirect_uris, policy);
    if (frontProblem) throw new SettingsError(`${label} [${i}].frontchannel_logout_uri: ${front} ${frontProblem}`);
  });
}
