/** IdP metadata in (what an administrator gives), our SP metadata out (what the IdP's administrator imports). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { AppError } from '../../src/errors.js';
import { parseIdpMetadata, SAML_METADATA_MAX, spMetadata, spEntityIdFor } from '../../src/idps/saml/index.js';

// Made when the file loads: the table of refusals below is built before any hook runs.
const certBody = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'saml-md-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'c'), '-days', '1', '-subj', '/CN=idp'], { stdio: 'ignore' });
  const body = readFileSync(join(dir, 'c'), 'utf8').replace(/-----[^-]+-----|\s/g, '');
  rmSync(dir, { recursive: true, force: true });
  return body;
})();

const entity = (inner: string, entityId = 'https://idp.example/saml') =>
  `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId}">${inner}</md:EntityDescriptor>`;
const idpDescriptor = (keys: string, sso = '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example/sso"/>') =>
  `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${keys}${sso}</md:IDPSSODescriptor>`;
const key = (use: string | undefined, body = certBody) =>
  `<md:KeyDescriptor${use ? ` use="${use}"` : ''}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\n${body.match(/.{1,76}/g)!.join('\n')}\n</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;

function refusal(xml: string): AppError {
  try {
    parseIdpMetadata(xml);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('accepted');
}

describe('parseIdpMetadata', () => {
  test('an IdP entity: its entityID, HTTP-Redirect SSO URL and signing certificates as PEM', () => {
    const parsed = parseIdpMetadata(entity(idpDescriptor(key('signing') + key(undefined) + key('encryption'))));
    expect(parsed.entityId).toBe('https://idp.example/saml');
    expect(parsed.ssoUrl).toBe('https://idp.example/sso');
    // The same certificate for signing and unspecified use is one; encryption-only keys are not for checking signatures.
    expect(parsed.certificates).toHaveLength(1);
    expect(parsed.certificates[0]).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----\n$/);
  });

  test('one IdP inside an EntitiesDescriptor (with an SP beside it) is found', () => {
    const sp = entity('<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/>', 'https://sp.example');
    const xml = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${sp}${entity(idpDescriptor(key('signing')))}</md:EntitiesDescriptor>`;
    expect(parseIdpMetadata(xml).entityId).toBe('https://idp.example/saml');
  });

  test.each([
    ['empty', '', /empty/],
    ['not XML', 'hello', /not well-formed|no root element/],
    ['broken XML', '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"><unclosed>', /not well-formed/],
    ['a DOCTYPE', `<!DOCTYPE x [<!ENTITY a "b">]>${entity(idpDescriptor(key('signing')))}`, /DOCTYPE/],
    ['an SP, not an IdP', entity('<md:SPSSODescriptor protocolSupportEnumeration="x"/>'), /no SAML identity provider/],
    ['no redirect binding', entity(idpDescriptor(key('signing'), '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example/sso"/>')), /HTTP-Redirect/],
    ['a javascript: SSO URL', entity(idpDescriptor(key('signing'), '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="javascript:alert(1)"/>')), /HTTP-Redirect/],
    ['no signing certificate', entity(idpDescriptor(key('encryption'))), /no signing certificate/],
    ['a certificate that is not one', entity(idpDescriptor(key('signing', 'AAAA'))), /cannot be read/],
    ['no entityID', entity(idpDescriptor(key('signing')), ''), /entityID/],
  ])('refused: %s', (_, xml, message) => {
    const err = refusal(xml);
    expect(err.code).toBe('invalid');
    expect(err.field).toBe('metadata');
    expect(err.message).toMatch(message);
  });

  test('two IdPs in one document, and a document over the bound, are refused', () => {
    const two = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${entity(idpDescriptor(key('signing')))}${entity(idpDescriptor(key('signing')), 'https://idp2.example')}</md:EntitiesDescriptor>`;
    expect(refusal(two).message).toMatch(/more than one/);
    const big = entity(idpDescriptor(key('signing')) + `<!--${'x'.repeat(SAML_METADATA_MAX)}-->`);
    expect(refusal(big).message).toMatch(/larger than/);
  });
});

describe('spMetadata', () => {
  test('our entityID, the ACS by HTTP-POST, persistent NameIDs; the same bytes each time', () => {
    const acsUrl = 'https://op.example/federation/corp/saml/acs';
    const entityId = spEntityIdFor(acsUrl);
    expect(entityId).toBe('https://op.example/federation/corp/saml/metadata');
    const xml = spMetadata({ entityId, acsUrl });
    expect(xml).toContain(`entityID="${entityId}"`);
    expect(xml).toContain(`Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${acsUrl}"`);
    expect(xml).toContain('<NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</NameIDFormat>');
    expect(xml).toContain('AuthnRequestsSigned="false" WantAssertionsSigned="true"');
    expect(spMetadata({ entityId, acsUrl })).toBe(xml);
  });
});
