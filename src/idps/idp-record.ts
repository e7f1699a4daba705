/**
 * An upstream identity provider as configuration: its protocol (OpenID Connect or SAML 2.0) and how to reach it,
 * how the login page shows it, which e-mail domains it owns, and how its answer maps to our claims and groups.
 * The OIDC client secret is write-only: it never leaves in a view.
 */
import { z } from 'zod';
import { localizedText, type LocalizedText } from '../config/localized-text.js';
import { claimNameProblem } from '../oidc/claim-names.js';

export const IDP_TYPES = ['oidc', 'saml'] as const;
export type IdpType = (typeof IDP_TYPES)[number];

/** A metadata document larger than this is refused before it is parsed or stored. */
export const SAML_METADATA_MAX = 256 * 1024;

export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Kept sealed at rest when KEYS_ENCRYPTION_KEY is set (client-secret-seal.ts). */
  clientSecret: string;
  scopes: string[];
  /** Ask the upstream's userinfo endpoint too (claims some upstreams leave out of the ID token). */
  useUserinfo: boolean;
}

export interface SamlSettings {
  metadataUrl?: string | undefined;
  metadataXml: string;
  entityId: string;
  ssoUrl: string;
  /** PEM certificates the IdP signs with. */
  certificates: string[];
  nameIdFormat?: string | undefined;
  /** The attribute that carries a stable subject, for an IdP that sends only a transient NameID. */
  subjectAttribute?: string | undefined;
}

export interface IdpRecord {
  name: string;
  type: IdpType;
  displayName: LocalizedText;
  logoUrl?: string | undefined;
  enabled: boolean;
  /** E-mail domains this IdP owns: a sign-in name in one of them goes there (home-realm discovery). */
  domains: string[];
  /** Link a first sign-in to the local user with that e-mail, when the upstream says the e-mail is verified. */
  linkByVerifiedEmail: boolean;
  /**
   * SAML: the IdP vouches for its users' e-mail addresses, so `email_verified` is true (SAML has no such attribute).
   * OIDC upstreams say `email_verified` themselves, so the field is refused there.
   */
  trustEmail: boolean;
  /** our claim → the upstream's claim (or SAML attribute) name. */
  claimMap: Record<string, string>;
  /** The upstream claim (or attribute) that lists the person's groups. */
  groupsClaim?: string | undefined;
  /** Position among the buttons on the login page (lowest first). */
  order: number;
  oidc?: OidcSettings | undefined;
  saml?: SamlSettings | undefined;
  createdAt: string;
  updatedAt: string;
}

/** What leaves the store for display: the client secret only as whether one is set. */
export type IdpView = Omit<IdpRecord, 'oidc'> & { oidc?: Omit<OidcSettings, 'clientSecret'> & { clientSecretSet: boolean } };

export const toIdpView = ({ oidc, ...rest }: IdpRecord): IdpView => {
  if (!oidc) return rest;
  const { clientSecret, ...settings } = oidc;
  return { ...rest, oidc: { ...settings, clientSecretSet: clientSecret.length > 0 } };
};

export const IDP_NAME_RULE = 'a name of letters, digits, . _ - (1 to 64), starting with a letter or digit';
export const idpNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, `name: ${IDP_NAME_RULE}`);

const httpsUrl = (field: string, max = 512) =>
  z
    .string({ error: `${field}: a URL` })
    .max(max, `${field}: at most ${max} characters`)
    .refine((v) => {
      try {
        const u = new URL(v);
        return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '' && !u.username && !u.password && !u.hash;
      } catch {
        return false;
      }
    }, `${field}: an http(s) URL without credentials or fragment`);

const upstreamName = z.string().min(1).max(256).refine((v) => !/[\0-\x1f]/.test(v), 'no control characters');

const oidcSchema = z
  .object({
    issuer: httpsUrl('oidc.issuer'),
    clientId: z.string({ error: 'oidc.clientId: required' }).min(1, 'oidc.clientId: required').max(256, 'oidc.clientId: at most 256 characters'),
    clientSecret: z.string({ error: 'oidc.clientSecret: required' }).min(1, 'oidc.clientSecret: required').max(1024, 'oidc.clientSecret: at most 1024 characters'),
    scopes: z
      .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/, 'oidc.scopes: scope tokens'))
      .max(32, 'oidc.scopes: at most 32')
      .default(['openid', 'email', 'profile'])
      .transform((s) => [...new Set(['openid', ...s])]),
    useUserinfo: z.boolean({ error: 'oidc.useUserinfo: true or false' }).default(false),
  })
  .strict();

const pem = z
  .string()
  .max(16384, 'saml.certificates: at most 16 KiB each')
  .refine((v) => v.includes('-----BEGIN CERTIFICATE-----'), 'saml.certificates: PEM certificates');

const samlSchema = z
  .object({
    metadataUrl: httpsUrl('saml.metadataUrl', 1024).optional(),
    metadataXml: z.string().min(1, 'saml.metadataXml: required').max(SAML_METADATA_MAX, `saml.metadataXml: at most ${SAML_METADATA_MAX / 1024} KiB`),
    entityId: z.string().min(1, 'saml.entityId: required').max(1024, 'saml.entityId: at most 1024 characters'),
    ssoUrl: httpsUrl('saml.ssoUrl', 2048),
    certificates: z.array(pem).min(1, 'saml.certificates: at least one').max(8, 'saml.certificates: at most 8'),
    nameIdFormat: z.string().max(256).optional(),
    subjectAttribute: upstreamName.optional(),
  })
  .strict();

export const idpInputSchema = z
  .object({
    name: idpNameSchema,
    type: z.enum(IDP_TYPES, { error: `type: one of ${IDP_TYPES.join(', ')}` }),
    displayName: localizedText(80).optional(),
    logoUrl: z.string().max(1024).refine((v) => v.startsWith('https://') || v.startsWith('http://') || v.startsWith('/'), 'logoUrl: an http(s) URL or a path').optional(),
    enabled: z.boolean({ error: 'enabled: true or false' }).default(true),
    domains: z
      .array(z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))+$/, 'domains: DNS names such as corp.example').transform((d) => d.toLowerCase()))
      .max(16, 'domains: at most 16')
      .default([]),
    linkByVerifiedEmail: z.boolean({ error: 'linkByVerifiedEmail: true or false' }).default(false),
    trustEmail: z.boolean({ error: 'trustEmail: true or false' }).default(false),
    claimMap: z
      .record(z.string(), upstreamName)
      .default({})
      .superRefine((map, ctx) => {
        if (Object.keys(map).length > 64) ctx.addIssue({ code: 'custom', message: 'claimMap: at most 64 claims' });
        for (const claim of Object.keys(map)) {
          if (claim === 'sub') ctx.addIssue({ code: 'custom', message: 'claimMap.sub: our subject is our own, never taken from the upstream' });
          else {
            const problem = claimNameProblem(claim);
            if (problem) ctx.addIssue({ code: 'custom', message: `claimMap.${claim}: ${problem}` });
          }
        }
      }),
    groupsClaim: upstreamName.optional(),
    order: z.number({ error: 'order: a number' }).int('order: a whole number').min(0).max(1000).default(100),
    oidc: oidcSchema.optional(),
    saml: samlSchema.optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.type === 'oidc' && !d.oidc) ctx.addIssue({ code: 'custom', message: 'oidc: required for type oidc (issuer, clientId, clientSecret)' });
    if (d.type === 'oidc' && d.saml) ctx.addIssue({ code: 'custom', message: 'saml: only for type saml' });
    if (d.type === 'saml' && !d.saml) ctx.addIssue({ code: 'custom', message: 'saml: required for type saml (metadata)' });
    if (d.type === 'saml' && d.oidc) ctx.addIssue({ code: 'custom', message: 'oidc: only for type oidc' });
    if (d.type === 'oidc' && d.trustEmail) ctx.addIssue({ code: 'custom', message: 'trustEmail: only for type saml (an OpenID Connect upstream says email_verified itself)' });
  })
  .transform((d) => ({ ...d, displayName: d.displayName ?? d.name }));

export type IdpInput = z.input<typeof idpInputSchema>;

/** The display name in a language, falling back to English (the required one). */
export function displayNameIn(name: LocalizedText, lang: string): string {
  if (typeof name === 'string') return name;
  return (lang === 'zh-CN' ? name['zh-CN'] : undefined) ?? name.en;
}

/** The IdP that owns the domain of a sign-in name `alice@corp.example`, among the enabled ones. */
export function idpForLogin<T extends Pick<IdpRecord, 'domains' | 'enabled'>>(idps: readonly T[], login: string): T | undefined {
  const at = login.lastIndexOf('@');
  if (at <= 0 || at === login.length - 1) return undefined;
  const domain = login.slice(at + 1).toLowerCase();
  return idps.find((i) => i.enabled && i.domains.includes(domain));
}

/** The static redirect_uri registered at an upstream OpenID Connect provider. */
export const callbackUrlOf = (issuer: string, idp: string) => `${issuer.replace(/\/$/, '')}/federation/${encodeURIComponent(idp)}/callback`;
/** Our SAML service provider's assertion consumer service and metadata for an IdP (served by idps/saml). */
export const acsUrlOf = (issuer: string, idp: string) => `${issuer.replace(/\/$/, '')}/federation/${encodeURIComponent(idp)}/saml/acs`;
export const spMetadataUrlOf = (issuer: string, idp: string) => `${issuer.replace(/\/$/, '')}/federation/${encodeURIComponent(idp)}/saml/metadata`;
/** A SAML IdP's side of us: our SP entityID (the metadata URL, stable) and the ACS the Response is posted to. */
export const samlUrlsOf = (issuer: string, idp: string) => ({ entityId: spMetadataUrlOf(issuer, idp), acsUrl: acsUrlOf(issuer, idp) });
/** Where a protocol's answer comes back: the OIDC redirect_uri, or the SAML ACS. */
export const answerUrlOf = (issuer: string, idp: Pick<IdpRecord, 'name' | 'type'>) => (idp.type === 'saml' ? acsUrlOf(issuer, idp.name) : callbackUrlOf(issuer, idp.name));
