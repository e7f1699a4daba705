/** `oidc-op idp`: the upstream OpenID Connect and SAML 2.0 identity providers users sign in through, and a reachability test. */
import { readFile } from 'node:fs/promises';
import { audited } from '../../audit/audited.js';
import type { IdpChange } from '../../idps/idps.js';
import { acsUrlOf, callbackUrlOf, SAML_METADATA_MAX, spMetadataUrlOf, type IdpView } from '../../idps/idp-record.js';
import { testIdp } from '../../idps/idp-test.js';
import { parseIdpMetadata } from '../../idps/saml/index.js';
import { printable } from '../../printable.js';
import { positional, readStdin, UsageError, type Values } from '../args.js';
import { cliActor, type Command, type Context, type Output } from './command.js';

const number = (value: string | undefined, option: string): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${option} ${value}: a whole number`);
  return Number(value);
};

/** --claim-map claim=upstreamName. */
function claimMap(values: Values): Record<string, string> | undefined {
  if (!values['claim-map']) return undefined;
  const map: Record<string, string> = {};
  for (const pair of values['claim-map']) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) throw new UsageError(`--claim-map ${pair}: expected claim=upstream-name`);
    map[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return map;
}

async function samlFields(values: Values): Promise<Record<string, unknown> | undefined> {
  let xml: string | undefined;
  if (values['metadata-file'] !== undefined) {
    xml = await readFile(values['metadata-file'], 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`--metadata-file ${values['metadata-file']}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    });
  } else if (values['metadata-url'] !== undefined) {
    const response = await fetch(values['metadata-url'], { signal: AbortSignal.timeout(10_000) }).catch((err: Error) => {
      throw new UsageError(`--metadata-url ${values['metadata-url']}: ${err.message}`);
    });
    if (!response.ok) throw new UsageError(`--metadata-url ${values['metadata-url']}: HTTP ${response.status}`);
    xml = await response.text();
  }
  const subject = values['subject-attribute'] === undefined ? {} : { subjectAttribute: values['subject-attribute'] === '' ? null : values['subject-attribute'] };
  if (xml === undefined) return Object.keys(subject).length ? subject : undefined;
  if (xml.length > SAML_METADATA_MAX) throw new UsageError(`metadata: at most ${SAML_METADATA_MAX / 1024} KiB`);
  const parsed = parseIdpMetadata(xml);
  return { metadataXml: xml, ...parsed, ...(values['metadata-url'] ? { metadataUrl: values['metadata-url'] } : {}), ...subject };
}

async function fields(values: Values, creating: boolean): Promise<IdpChange> {
  const secret = values['client-secret-stdin'] ? await readStdin('--client-secret-stdin reads the client secret') : undefined;
  const oidc = Object.fromEntries(
    Object.entries({ issuer: values.issuer, clientId: values['client-id'], clientSecret: secret, scopes: values.scope, useUserinfo: values['use-userinfo'] }).filter(([, v]) => v !== undefined),
  );
  const saml = await samlFields(values);
  const displayName = values['display-name'] === undefined ? undefined : values['display-name-zh'] ? { en: values['display-name'], 'zh-CN': values['display-name-zh'] } : values['display-name'];
  const change: IdpChange = {
    ...(creating ? { type: values.type ?? 'oidc' } : {}),
    displayName,
    logoUrl: values['logo-url'],
    enabled: values.enabled,
    domains: values.domain,
    linkByVerifiedEmail: values['link-by-email'],
    trustEmail: values['trust-email'],
    claimMap: claimMap(values),
    groupsClaim: values['groups-claim'],
    order: number(values.order, 'order'),
    oidc: Object.keys(oidc).length ? oidc : undefined,
    saml,
  };
  return Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
}

const describe = (i: IdpView) => `${printable(i.name)} (${i.type}, order ${i.order}${i.enabled ? '' : ', disabled'})  ${printable(i.oidc?.issuer ?? i.saml?.entityId ?? '')}${i.domains.length ? `  domains ${i.domains.map(printable).join(' ')}` : ''}`;

async function idpCommand(context: Context): Promise<Output> {
  const { stores, settings, action, args, values } = context;
  const urls = (i: IdpView) =>
    i.type === 'oidc'
      ? { redirect_uri: callbackUrlOf(settings.issuer, i.name) }
      : { sp_metadata_url: spMetadataUrlOf(settings.issuer, i.name), acs_url: acsUrlOf(settings.issuer, i.name) };
  const one = (i: IdpView) => {
    const shown = { ...i, ...urls(i) };
    return { json: shown, text: JSON.stringify(shown, null, 2) };
  };
  switch (action) {
    case 'list': {
      const idps = await stores.idps.list();
      return { json: { idps }, text: idps.length ? idps.map(describe).join('\n') : 'no identity providers' };
    }
    case 'show':
      return one(await stores.idps.require(positional(args, 0, 'idp name')));
    case 'create':
      return one(await stores.idps.create({ name: positional(args, 0, 'idp name'), ...(await fields(values, true)) }));
    case 'update':
      return one(await stores.idps.update(positional(args, 0, 'idp name'), await fields(values, false)));
    case 'delete': {
      const name = positional(args, 0, 'idp name');
      const removed = await stores.idps.delete(name);
      const links = await stores.federatedAccounts.forgetIdp(removed.name);
      return { json: { deleted: removed.name, linksRemoved: links }, text: `deleted idp ${printable(removed.name)} and ${links} link(s) to it (its users' records stay; they can no longer sign in through it)` };
    }
    case 'test': {
      const name = positional(args, 0, 'idp name');
      const idp = await stores.idps.forSignIn(name);
      if (!idp) throw new UsageError(`idp ${name}: not found`);
      const report = await testIdp(idp);
      const text = [...report.steps.map((s) => `${s.ok ? 'ok  ' : 'FAIL'} ${s.step.padEnd(10)} ${printable(s.detail ?? '')}`), `=> ${report.ok ? 'ok' : 'failed'}`].join('\n');
      return { json: { idp: name, ...report }, text };
    }
    default:
      throw new UsageError(`unknown idp command ${action ?? ''}`.trim());
  }
}

export const idp: Command = {
  name: 'idp',
  usage: 'idp ACTION [options] [--json]',
  synopsis: `  idp create NAME --type oidc --issuer URL --client-id ID --client-secret-stdin [--scope S…] [--use-userinfo]
                   [--domain D…] [--display-name TEXT [--display-name-zh TEXT]] [--logo-url URL] [--link-by-email]
                   [--claim-map claim=upstream-name…] [--groups-claim NAME] [--order N] [--no-enabled]
  idp create NAME --type saml --metadata-url URL | --metadata-file FILE [--trust-email] [--subject-attribute NAME]
                   [the same display and mapping options]
  idp update NAME [the same options]
  idp list | idp show NAME | idp delete NAME
  idp test NAME                        (OIDC: discovery and the JWKS reachable; SAML: the metadata parses)`,
  help: `Users sign in through an upstream identity provider: a "Continue with NAME" button on the login page, a sign-in
name in one of its --domain values (home-realm discovery), or a client's idp_hint=NAME. Register the redirect_uri
that --json prints at the upstream. --claim-map takes a claim from another upstream name (--claim-map
email=mail); --groups-claim names the upstream claim that lists groups (default groups). --link-by-email lets a
first sign-in join the local user with the same e-mail, when the upstream says it is verified. The client secret
is read from standard input and never shown.

SAML: --trust-email says the IdP vouches for its users' e-mail addresses (email_verified true, which
--link-by-email needs; only for an IdP that owns its mail domains). --subject-attribute NAME takes the person's
stable identifier from that attribute, for an IdP that sends only a transient NameID ('' clears it).`,
  run: (context) => {
    const { stores, action, args } = context;
    const run = () => idpCommand(context);
    if (['list', 'show', 'test'].includes(action ?? '')) return run();
    return audited(stores.audit, { actor: cliActor(), action: `idp ${action ?? ''} ${args[0] ?? ''}`.trim(), about: 'setting' }, run);
  },
};
