/**
 * The SAML 2.0 Web Browser SSO profile as an upstream sign-in: an AuthnRequest by HTTP-Redirect, the Response by
 * HTTP-POST at our ACS. node-saml checks the XML signature (refusing wrapped and multiple assertions), the audience,
 * the validity window and InResponseTo; here we add what it leaves to its caller: the Destination, the Recipient and
 * InResponseTo inside the signed assertion, the issuer, the replay set, and the subject and claims.
 */
import { randomBytes } from 'node:crypto';
import { SAML, SamlStatusError, ValidateInResponseTo, type CacheProvider, type Profile, type SamlConfig } from '@node-saml/node-saml';
import { UpstreamError, type PendingProtocolState, type UpstreamIdentity, type UpstreamStart } from '../upstream.js';
import { attributeValues, mapAttributes } from './attributes.js';
import { NAMEID_PERSISTENT, NAMEID_TRANSIENT, parseXml } from './metadata.js';
import type { AssertionReplay } from './replay.js';
import type { SamlIdp, SamlSettings, UpstreamProtocol } from './types.js';

/** Characters of the base64 SAMLResponse read: a signed response with many groups is tens of KiB. */
export const SAML_RESPONSE_MAX = 256 * 1024;
/** How far the IdP's clock may be from ours. */
export const SAML_CLOCK_SKEW_MS = 60_000;
/** The longest an assertion is accepted after its IssueInstant, whatever its NotOnOrAfter says: bounds the replay set. */
export const SAML_ASSERTION_MAX_AGE_MS = 60 * 60_000;
/** Characters of a subject (SAML caps a persistent NameID at 256) and of an assertion or request ID. */
export const SAML_SUBJECT_MAX = 256;
const ID_MAX = 256;

/** What `start` keeps with the pending sign-in: the AuthnRequest's ID, which the answer's InResponseTo must name. */
export const KEPT_REQUEST_ID = 'samlRequestId';

/** Our SP entityID for an ACS URL: the metadata URL beside it (`…/federation/{idp}/saml/metadata`), stable per IdP. */
export function spEntityIdFor(acsUrl: string): string {
  if (!acsUrl.endsWith('/saml/acs')) throw new Error(`not a SAML ACS URL: ${acsUrl}`);
  return `${acsUrl.slice(0, -'/acs'.length)}/metadata`;
}

function settingsOf(idp: SamlIdp): SamlSettings {
  if (!idp.saml) throw new UpstreamError(`identity provider ${idp.name} has no SAML settings`, 'unavailable');
  return idp.saml;
}

/** A cache that knows one request ID, the one this pending sign-in sent: node-saml's InResponseTo check asks it. */
function onlyRequest(requestId: string | undefined): CacheProvider {
  return {
    saveAsync: async (_key, value) => ({ value, createdAt: Date.now() }),
    getAsync: async (key) => (requestId !== undefined && key === requestId ? new Date().toISOString() : null),
    removeAsync: async (key) => key,
  };
}

function samlFor(idp: SamlIdp, callbackUrl: string, extra: Partial<SamlConfig>): SAML {
  const saml = settingsOf(idp);
  const entityId = spEntityIdFor(callbackUrl);
  return new SAML({
    entryPoint: saml.ssoUrl,
    issuer: entityId,
    audience: entityId,
    callbackUrl,
    idpCert: saml.certificates,
    idpIssuer: saml.entityId,
    identifierFormat: saml.nameIdFormat ?? NAMEID_PERSISTENT,
    // Either the response or the assertion signed is enough (node-saml refuses an answer where neither is).
    wantAssertionsSigned: false,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: SAML_CLOCK_SKEW_MS,
    maxAssertionAgeMs: SAML_ASSERTION_MAX_AGE_MS,
    validateInResponseTo: ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: SAML_ASSERTION_MAX_AGE_MS,
    disableRequestedAuthnContext: true,
    ...extra,
  });
}

type XmlJs = Record<string, unknown> & { $?: Record<string, string>; _?: string };
const first = (node: unknown, name: string): XmlJs | undefined => {
  const list = (node as Record<string, unknown> | undefined)?.[name];
  return Array.isArray(list) ? (list[0] as XmlJs) : undefined;
};
const all = (node: unknown, name: string): XmlJs[] => {
  const list = (node as Record<string, unknown> | undefined)?.[name];
  return Array.isArray(list) ? (list as XmlJs[]) : [];
};
const text = (node: XmlJs | undefined): string | undefined => (typeof node === 'string' ? node : node?._);

const refuse = (message: string): UpstreamError => new UpstreamError(message.slice(0, 300), 'invalid_answer');

/** Status codes that mean the IdP (or the person there) said no, rather than that the answer is broken. */
const DENIED_STATUS = /status:(Responder|AuthnFailed|RequestDenied|NoAuthnContext|UnknownPrincipal|NoPassive)/;

async function validated(saml: SAML, samlResponse: string): Promise<Profile> {
  let result: { profile: Profile | null };
  try {
    result = await saml.validatePostResponseAsync({ SAMLResponse: samlResponse });
  } catch (err) {
    if (err instanceof SamlStatusError) {
      // IsPassive asked, and the IdP could not sign the person in without them: what prompt=none calls login_required.
      if (/status:NoPassive/.test(err.xmlStatus)) throw new UpstreamError(`the identity provider could not sign the person in without interaction: ${err.message}`.slice(0, 300), 'denied', 'login_required');
      if (DENIED_STATUS.test(err.xmlStatus)) throw new UpstreamError(`the identity provider refused the sign-in: ${err.message}`.slice(0, 300), 'denied');
      throw refuse(err.message);
    }
    // An unsigned NoPassive (node-saml wants it signed): only ever a failure either way, so it is told as one.
    if (err instanceof Error && /NoPassive/.test(err.message)) throw new UpstreamError(`the identity provider could not sign the person in without interaction (${err.message})`.slice(0, 300), 'denied', 'login_required');
    throw refuse(`the SAML response was refused: ${err instanceof Error ? err.message : String(err)}`);
  }
  // A signed NoPassive answer: the person would have had to interact.
  if (!result.profile) throw new UpstreamError('the identity provider could not sign the person in without interaction', 'denied', 'login_required');
  return result.profile;
}

/** The checks node-saml leaves to its caller, on the signed assertion it returns and the response around it. */
function checkBindings(profile: Profile, idp: SamlSettings, callbackUrl: string, requestId: string): XmlJs {
  const assertion = (profile.getAssertion?.() as { Assertion?: XmlJs } | undefined)?.Assertion;
  if (!assertion) throw refuse('the SAML response carries no signed assertion');
  const issuer = text(first(assertion, 'Issuer'));
  if (issuer !== idp.entityId) throw refuse(`the assertion's issuer is not ${idp.entityId}`);
  const response = parseXml(profile.getSamlResponseXml?.() ?? '', 'the SAML response').documentElement;
  if (response.getAttribute('Destination') !== callbackUrl) throw refuse('the SAML response is not addressed to this ACS (Destination)');
  // The Response's InResponseTo is outside the signature when only the assertion is signed: the signed copy must match.
  const bearer = all(first(assertion, 'Subject'), 'SubjectConfirmation')
    .filter((c) => c.$?.Method === 'urn:oasis:names:tc:SAML:2.0:cm:bearer')
    .map((c) => first(c, 'SubjectConfirmationData')?.$ ?? {});
  if (!bearer.some((data) => data.Recipient === callbackUrl && data.InResponseTo === requestId)) {
    throw refuse('the assertion is not confirmed for this ACS and this request (SubjectConfirmationData Recipient, InResponseTo)');
  }
  return assertion;
}

function subjectOf(profile: Profile, idp: SamlSettings, attributes: Record<string, unknown>): string {
  let subject: string | undefined;
  if (idp.subjectAttribute) {
    subject = attributeValues(attributes[idp.subjectAttribute])[0];
    if (!subject) throw refuse(`the assertion has no ${idp.subjectAttribute} attribute, which names the person for this identity provider`);
  } else {
    const format = profile.nameIDFormat || 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
    const wanted = idp.nameIdFormat ?? NAMEID_PERSISTENT;
    if (format === NAMEID_TRANSIENT || format !== wanted) {
      throw refuse(`the NameID is ${format.split(':').pop()}, not ${wanted.split(':').pop()}: a stable subject is needed (or a subject attribute)`);
    }
    subject = profile.nameID;
  }
  if (!subject || subject.length > SAML_SUBJECT_MAX) throw refuse('the subject is empty or longer than 256 characters');
  return subject;
}

export interface SamlProtocolDeps {
  replay: AssertionReplay;
}

/** The SAML protocol, with the replay set it records accepted assertions in. */
export function samlProtocolWith(deps: SamlProtocolDeps): UpstreamProtocol {
  return {
    async start(idp, input): Promise<UpstreamStart> {
      const requestId = `_${randomBytes(20).toString('hex')}`;
      const saml = samlFor(idp, input.callbackUrl, { generateUniqueId: () => requestId, cacheProvider: onlyRequest(requestId), ...(input.passive ? { passive: true } : {}) });
      // Entra ID and some others read login_hint from the redirect; the rest ignore it.
      const hint = input.loginHint && input.loginHint.length <= 256 ? { additionalParams: { login_hint: input.loginHint } } : {};
      const redirectTo = await saml.getAuthorizeUrlAsync(input.pendingId, undefined, hint);
      return { redirectTo, keep: { [KEPT_REQUEST_ID]: requestId } };
    },

    async finish(idp, answer, kept: PendingProtocolState, input): Promise<UpstreamIdentity> {
      const settings = settingsOf(idp);
      const requestId = kept[KEPT_REQUEST_ID];
      if (!requestId || requestId.length > ID_MAX) throw new UpstreamError('no SAML request is pending for this sign-in', 'no_pending');
      const samlResponse = answer.get('SAMLResponse');
      if (!samlResponse) throw refuse('the answer carries no SAMLResponse');
      if (samlResponse.length > SAML_RESPONSE_MAX) throw refuse(`the SAMLResponse is longer than ${SAML_RESPONSE_MAX} characters`);

      const saml = samlFor(idp, input.callbackUrl, { cacheProvider: onlyRequest(requestId) });
      const profile = await validated(saml, samlResponse);
      const assertion = checkBindings(profile, settings, input.callbackUrl, requestId);
      const attributes = (profile.attributes as Record<string, unknown> | undefined) ?? {};
      const subject = subjectOf(profile, settings, attributes);

      const assertionId = assertion.$?.ID;
      if (!assertionId || assertionId.length > ID_MAX) throw refuse('the assertion has no ID (or one longer than 256 characters)');
      const conditions = first(assertion, 'Conditions')?.$ ?? {};
      const issued = Date.parse(assertion.$?.IssueInstant ?? '');
      const notOnOrAfter = Date.parse(conditions.NotOnOrAfter ?? '');
      const until = Math.min(Number.isNaN(notOnOrAfter) ? Infinity : notOnOrAfter, (Number.isNaN(issued) ? Date.now() : issued) + SAML_ASSERTION_MAX_AGE_MS);
      const ttlSeconds = (Math.max(0, until - Date.now()) + SAML_CLOCK_SKEW_MS) / 1000;
      if (!(await deps.replay.claim(idp.name, assertionId, ttlSeconds))) {
        throw new UpstreamError('this SAML assertion was already used', 'replayed');
      }

      const { claims, groups } = mapAttributes(attributes, idp);
      const acr = text(first(first(first(assertion, 'AuthnStatement'), 'AuthnContext'), 'AuthnContextClassRef'));
      return { idp: idp.name, subject, claims, groups, ...(acr && acr.length <= 256 ? { upstreamAcr: acr } : {}) };
    },
  };
}
