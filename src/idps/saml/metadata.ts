/**
 * Metadata both ways: the IdP's (what an administrator uploads or points at: its entityID, where to send the
 * AuthnRequest, the certificates it signs with) and ours (what the IdP's administrator imports).
 */
import { createHash, X509Certificate } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { generateServiceProviderMetadata } from '@node-saml/node-saml';
import { AppError } from '../../errors.js';

/** Bytes of an IdP's metadata: one entity's document is a few KiB; a whole federation's aggregate is refused. */
export const SAML_METADATA_MAX = 256 * 1024;

export const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
export const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
export const NAMEID_PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
export const NAMEID_TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';

export interface IdpMetadata {
  entityId: string;
  ssoUrl: string;
  certificates: string[];
}

const invalid = (message: string): AppError => new AppError('invalid', message, { field: 'metadata' });

/** A parsed XML document, refusing DOCTYPEs (entity expansion has no place in SAML) and any parser error. */
export function parseXml(xml: string, what: string): Document {
  if (/<!DOCTYPE/i.test(xml)) throw invalid(`${what} has a DOCTYPE, which SAML never needs`);
  const fail = (message: string) => {
    throw invalid(`${what} is not well-formed XML: ${String(message).split('\n')[0]!.slice(0, 200)}`);
  };
  const doc = new DOMParser({ errorHandler: { warning: () => {}, error: fail, fatalError: fail } }).parseFromString(xml, 'text/xml');
  if (!doc?.documentElement) throw invalid(`${what} has no root element`);
  return doc as unknown as Document;
}

const children = (parent: Element, ns: string, local: string): Element[] =>
  Array.from(parent.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === local);

/** The base64 body of an X509Certificate element → PEM, checked to be a certificate. */
function pem(base64: string): string {
  const body = base64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(body)) throw invalid('a signing certificate in the metadata is not base64');
  const text = `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  try {
    new X509Certificate(text);
  } catch (cause) {
    throw new AppError('invalid', 'a signing certificate in the metadata cannot be read', { field: 'metadata', cause });
  }
  return text;
}

/** The one IdP entity of a metadata document: its entityID, its HTTP-Redirect SSO endpoint and signing certificates. */
export function parseIdpMetadata(xml: string): IdpMetadata {
  if (typeof xml !== 'string' || xml.trim() === '') throw invalid('the metadata is empty');
  if (Buffer.byteLength(xml, 'utf8') > SAML_METADATA_MAX) throw invalid(`the metadata is larger than ${SAML_METADATA_MAX} bytes: give one IdP's own metadata, not a federation's`);
  const root = parseXml(xml, 'the metadata').documentElement;
  const entities =
    root.namespaceURI === MD && root.localName === 'EntityDescriptor'
      ? [root]
      : root.namespaceURI === MD && root.localName === 'EntitiesDescriptor'
        ? children(root, MD, 'EntityDescriptor')
        : [];
  const idps = entities.filter((e) => children(e, MD, 'IDPSSODescriptor').length > 0);
  if (idps.length !== 1) throw invalid(idps.length === 0 ? 'the metadata describes no SAML identity provider (no IDPSSODescriptor)' : 'the metadata describes more than one identity provider');
  const entity = idps[0]!;
  const entityId = entity.getAttribute('entityID') ?? '';
  if (!entityId || entityId.length > 1024) throw invalid('the identity provider has no entityID (or one longer than 1024 characters)');
  const descriptor = children(entity, MD, 'IDPSSODescriptor')[0]!;
  const sso = children(descriptor, MD, 'SingleSignOnService').find((s) => s.getAttribute('Binding') === REDIRECT_BINDING);
  const ssoUrl = sso?.getAttribute('Location') ?? '';
  if (!sso || !/^https?:\/\//i.test(ssoUrl) || ssoUrl.length > 2048) throw invalid('the identity provider has no HTTP-Redirect SingleSignOnService with an http(s) Location');
  const certificates = [
    ...new Set(
      children(descriptor, MD, 'KeyDescriptor')
        .filter((k) => (k.getAttribute('use') ?? 'signing') === 'signing')
        .flatMap((k) => children(k, DS, 'KeyInfo'))
        .flatMap((info) => children(info, DS, 'X509Data'))
        .flatMap((data) => children(data, DS, 'X509Certificate'))
        .map((c) => pem(c.textContent ?? '')),
    ),
  ];
  if (certificates.length === 0) throw invalid('the identity provider names no signing certificate (KeyDescriptor with an X509Certificate)');
  if (certificates.length > 8) throw invalid('the identity provider names more than 8 signing certificates');
  return { entityId, ssoUrl, certificates };
}

/**
 * Our SP metadata for one IdP: entityID, the ACS (HTTP-POST), persistent NameIDs (unless the IdP record asks for
 * another format), signed assertions wanted.
 * Requests are not signed (AuthnRequestsSigned="false"). The document's ID is derived from the entityID so the same
 * IdP always gets the same bytes.
 */
export function spMetadata(input: { entityId: string; acsUrl: string; nameIdFormat?: string | undefined }): string {
  const id = `_${createHash('sha256').update(input.entityId).digest('hex').slice(0, 40)}`;
  return generateServiceProviderMetadata({
    issuer: input.entityId,
    callbackUrl: input.acsUrl,
    identifierFormat: input.nameIdFormat ?? NAMEID_PERSISTENT,
    wantAssertionsSigned: true,
    generateUniqueId: () => id,
  });
}
