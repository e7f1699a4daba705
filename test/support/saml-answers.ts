/**
 * SAML answers for the refusal tests, derived from a real one: a SAMLResponse decoded, changed (audience, times,
 * issuer, a wrapped assertion…) and signed again with the IdP's own key, so each check is met on its own, past a
 * valid signature. Signing is xml-crypto's, through node-saml's helper.
 */
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
// node-saml's own signing helper (not part of its index): the same xml-crypto use it verifies against.
import { signXml } from '@node-saml/node-saml/lib/xml.js';

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DS = 'http://www.w3.org/2000/09/xmldsig#';

export const decode = (samlResponse: string): string => Buffer.from(samlResponse, 'base64').toString('utf8');
export const encode = (xml: string): string => Buffer.from(xml, 'utf8').toString('base64');

export const parse = (xml: string): Document => new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
export const serialize = (doc: Document): string => new XMLSerializer().serializeToString(doc as never);

export const the = (doc: Document | Element, ns: string, local: string): Element => {
  const found = doc.getElementsByTagNameNS(ns, local)[0];
  if (!found) throw new Error(`no ${local}`);
  return found as Element;
};
export const assertionOf = (doc: Document): Element => the(doc, SAML, 'Assertion');
export const NS = { SAMLP, SAML, DS };

/** Removes every XML signature (the response's and the assertion's). */
export function unsigned(doc: Document): void {
  for (const sig of Array.from(doc.getElementsByTagNameNS(DS, 'Signature'))) sig.parentNode?.removeChild(sig);
}

/** Signs the assertion (enveloped, after its Issuer) or the whole response, as an IdP does. */
export function sign(xml: string, what: 'assertion' | 'response', key: { privateKey: string; certificate: string }): string {
  const local = what === 'assertion' ? 'Assertion' : 'Response';
  return signXml(
    xml,
    `//*[local-name(.)='${local}']`,
    { reference: `//*[local-name(.)='${local}']/*[local-name(.)='Issuer']`, action: 'after' },
    { privateKey: key.privateKey, publicCert: key.certificate, signatureAlgorithm: 'sha256', digestAlgorithm: 'sha256' },
  );
}

/** A real response changed by `change`, its signatures dropped and the assertion signed again with `key`; a fresh assertion ID. */
export function resigned(samlResponse: string, key: { privateKey: string; certificate: string }, change: (doc: Document) => void = () => {}, what: 'assertion' | 'response' = 'assertion'): string {
  const doc = parse(decode(samlResponse));
  unsigned(doc);
  assertionOf(doc).setAttribute('ID', `_resigned${Math.random().toString(16).slice(2)}`);
  change(doc);
  return encode(sign(serialize(doc), what, key));
}

/** Every element of that name in the document gets the attribute's value. */
export function setAll(doc: Document, ns: string, local: string, attribute: string, value: string): void {
  for (const el of Array.from(doc.getElementsByTagNameNS(ns, local))) (el as Element).setAttribute(attribute, value);
}

export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
