/** `oidc-op export`: all admin data as one JSON document on standard output. */
import { audited } from '../../audit/audited.js';
import { exportNotes } from '../../backup/backup-document.js';
import { cliActor, type Command, type Context, type Output } from './command.js';

const DOCUMENT = `                                       (one JSON document: clients with secret hashes, users with password hashes,
                                        groups, directories, upstream IdPs, scopes, settings; no signing keys, admin
                                        tokens, sessions, grants or second factors)`;

async function exportCommand({ stores }: Context): Promise<Output> {
  const what = { actor: cliActor(), action: 'export', about: 'setting' as const };
  const document = await audited(stores.audit, what, () => stores.adminData.export());
  return { json: { ...document }, text: JSON.stringify(document, null, 2), notes: exportNotes(document) };
}

export const exportData: Command = {
  name: 'export',
  usage: 'export [--json]',
  synopsis: `  export\n${DOCUMENT}`,
  help: `'oidc-op import' reads such a document back. Second factors (authenticator apps, passkeys, recovery codes) are not
in it: they are sealed with KEYS_ENCRYPTION_KEY and stay in the store; a user imported into a new store signs in with
the password alone, or enrols anew where a second factor is required.

A directory's bind password and an OpenID Connect IdP's client secret are in it only sealed with KEYS_ENCRYPTION_KEY
(the importing side needs the same key); without a key they are left out, and a note on standard error names each
one to set again after the import ('oidc-op directory update NAME --bind-password-stdin', 'oidc-op idp update NAME
--client-secret-stdin'). A SAML IdP's metadata travels as it is.`,
  run: exportCommand,
};
