/** `oidc-op client`: register, change, list, disable and delete relying parties. */
import type { ClientRecord } from '../../clients/client-record.js';
import type { NewClient } from '../../clients/client-input.js';
import { clientView } from '../../clients/client-view.js';
import { declaredClientView, type DeclaredClient } from '../../clients/declared-clients.js';
import { printable } from '../../printable.js';
import { parseClaimMap, positional, UsageError, type Values } from '../args.js';
import { auditedRecordCommand, type Command, type Context, type Output } from './command.js';

const CLIENT_OPTIONS = `    CLIENT OPTIONS: [--description TEXT] [--post-logout-redirect-uri URI…] [--grant-type TYPE…] [--scope SCOPE…]
                    [--auth-method none|client_secret_basic|client_secret_post]
                    [--logo-uri URI] [--client-uri URI] [--policy-uri URI] [--tos-uri URI]
                    [--[no-]first-party] [--[no-]always-select-account] [--[no-]require-mfa] [--access-token-ttl S] [--id-token-ttl S]
                    [--id-token-signed-response-alg RS256|ES256|EdDSA]   ('' or not given: ID_TOKEN_SIGNING_ALG)
                    [--groups-filter NAME_OR_PREFIX*…] [--claim-map CLAIM=NAME…]   ('' clears either)
                    [--backchannel-logout-uri URI] [--frontchannel-logout-uri URI]   ('' removes; logout_token / iframe with sid)`;

const RESPONSE_TYPES = 'Response types: "id_token token", id_token, code. Repeat an option to give several values.';

const seconds = (value: string | undefined) => (value === undefined ? undefined : Number(value));

/** The client fields given on the command line; those not given stay undefined (unchanged on update). */
function clientFields(values: Values): Partial<NewClient> {
  const fields: Partial<NewClient> = {
    name: values.name,
    description: values.description,
    redirectUris: values['redirect-uri'],
    postLogoutRedirectUris: values['post-logout-redirect-uri'],
    responseTypes: values['response-type'],
    grantTypes: values['grant-type'],
    scopes: values.scope?.flatMap((s) => s.split(' ').filter(Boolean)),
    authMethod: values['auth-method'],
    logoUri: values['logo-uri'],
    clientUri: values['client-uri'],
    policyUri: values['policy-uri'],
    tosUri: values['tos-uri'],
    firstParty: values['first-party'],
    alwaysSelectAccount: values['always-select-account'],
    requireMfa: values['require-mfa'],
    accessTokenTtl: seconds(values['access-token-ttl']),
    idTokenTtl: seconds(values['id-token-ttl']),
    idTokenSignedResponseAlg: values['id-token-signed-response-alg'],
    groupsFilter: values['groups-filter']?.filter((g) => g !== ''),
    claimMap: parseClaimMap(values),
    backchannelLogoutUri: values['backchannel-logout-uri'],
    frontchannelLogoutUri: values['frontchannel-logout-uri'],
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

// Stored text goes through printable() on its way into a line: a newline or an escape in it would forge or hide output.
const clientLine = (record: ClientRecord) =>
  `${printable(record.metadata.client_id)}  ${printable(record.metadata.client_name ?? '')}  [${printable((record.metadata.response_types ?? []).join(', '))}]${record.registered ? '  (self-registered)' : ''}`;

const declaredLine = ({ metadata, source }: DeclaredClient) =>
  `${printable(String(metadata.client_id))}  ${printable(String(metadata.client_name ?? ''))}  [${printable((metadata.response_types ?? []).join(', '))}]  (${source} file, read-only)`;

async function clientCommand({ stores, action, args, values }: Context): Promise<Output> {
  switch (action) {
    case 'create': {
      const created = await stores.clients.create({ name: '', redirectUris: [], responseTypes: [], ...clientFields(values) });
      const secretLine = created.client_secret ? `\nclient_secret ${created.client_secret}\n(shown once: only its hash is stored)` : '';
      return { json: { ...created }, text: `client_id ${created.client_id}${secretLine}` };
    }
    case 'list': {
      const clients = await stores.clients.list();
      const declared = stores.clients.declared.list();
      return {
        json: { clients: [...declared.map(declaredClientView), ...clients.map(clientView)] },
        text: [...declared.map(declaredLine), ...clients.map(clientLine)].join('\n') || '(no clients)',
      };
    }
    case 'show': {
      const declared = stores.clients.declared.find(positional(args, 0, 'client id'));
      if (declared) return { json: declaredClientView(declared), text: JSON.stringify(declaredClientView(declared), null, 2) };
      const record = await stores.clients.require(positional(args, 0, 'client id'));
      return { json: clientView(record), text: JSON.stringify(clientView(record), null, 2) };
    }
    case 'update': {
      const { record, client_secret: secret } = await stores.clients.update(positional(args, 0, 'client id'), clientFields(values));
      const json = secret ? { ...clientView(record), client_secret: secret } : clientView(record);
      return { json, text: `updated client ${clientLine(record)}${secret ? `\nclient_secret ${secret}\n(shown once: only its hash is stored)` : ''}` };
    }
    case 'enable':
    case 'disable': {
      const record = await stores.clients.setDisabled(positional(args, 0, 'client id'), action === 'disable');
      return { json: clientView(record), text: `${action}d client ${clientLine(record)}` };
    }
    case 'rotate-secret': {
      const rotated = await stores.clients.rotateSecret(positional(args, 0, 'client id'));
      return { json: { ...rotated }, text: `client_secret ${rotated.client_secret}\n(shown once: only its hash is stored; the old secret no longer works)` };
    }
    case 'delete': {
      const removed = await stores.clients.delete(positional(args, 0, 'client id'));
      return { json: { deleted: removed.metadata.client_id }, text: `deleted client ${printable(removed.metadata.client_id)}` };
    }
    default:
      throw new UsageError(`unknown client command ${action ?? ''}`.trim());
  }
}

export const client: Command = {
  name: 'client',
  usage: 'client ACTION [options] [--json]',
  synopsis: `  client create --name NAME --redirect-uri URI… --response-type TYPE… [CLIENT OPTIONS]
  client update ID [--name NAME] [--redirect-uri URI…] [--response-type TYPE…] [CLIENT OPTIONS]   (a list given replaces the list)
  client list | client show ID | client enable ID | client disable ID | client rotate-secret ID | client delete ID
${CLIENT_OPTIONS}`,
  help: `${RESPONSE_TYPES}
A disabled client is unknown to sign-in until enabled; a rotated secret is shown once and the old one stops working.
Disabling or rotating the secret ends every token issued to the client before, even once it is enabled again.
--grant-type is derived from the response types when not given (refresh_token only beside authorization_code);
--scope limits the scopes the client may ask for. An --id-token-signed-response-alg no signing key in service can
make is refused (run with the server's JWKS or JWKS_FILE when the keys are configured).
'oidc-op client ACTION --help' shows one action.`,
  actions: {
    create: `usage: oidc-op client create --name NAME --redirect-uri URI… --response-type TYPE… [CLIENT OPTIONS] [--json]

Registers a client with a generated client_id; a confidential client's secret is shown once (only its hash is stored).
${CLIENT_OPTIONS}

${RESPONSE_TYPES}`,
    update: `usage: oidc-op client update ID [--name NAME] [--redirect-uri URI…] [--response-type TYPE…] [CLIENT OPTIONS] [--json]

Changes what is given (a list given replaces the list); the result must pass every rule a new client must.
${CLIENT_OPTIONS}

${RESPONSE_TYPES}`,
  },
  run: (context) => auditedRecordCommand(context, 'client', () => clientCommand(context)),
};
