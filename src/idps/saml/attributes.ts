/**
 * SAML attributes → our claims and groups. IdPs name the same fact differently (LDAP names, OIDs, the ADFS and Entra
 * claim URIs), so each claim has a list of names tried in order; an IdP's claimMap and groupsClaim replace the list.
 */
import type { SamlIdp } from './types.js';

/** Claim (or `groups`) → attribute names, first present wins. */
export const SAML_ATTRIBUTE_DEFAULTS: Readonly<Record<string, readonly string[]>> = {
  email: ['mail', 'email', 'urn:oid:0.9.2342.19200300.100.1.3', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'],
  name: [
    'displayName',
    'name',
    'cn',
    'urn:oid:2.16.840.1.113730.3.1.241',
    'urn:oid:2.5.4.3',
    'http://schemas.microsoft.com/identity/claims/displayname',
  ],
  given_name: ['givenName', 'given_name', 'urn:oid:2.5.4.42', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname'],
  family_name: ['sn', 'surname', 'family_name', 'urn:oid:2.5.4.4', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname'],
  // Entra sends the UPN as `…/claims/name`, which is why that URI is a username here and not a display name.
  preferred_username: [
    'uid',
    'username',
    'urn:oid:0.9.2342.19200300.100.1.1',
    'eduPersonPrincipalName',
    'urn:oid:1.3.6.1.4.1.5923.1.1.1.6',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
  ],
  groups: [
    'groups',
    'memberOf',
    'isMemberOf',
    'urn:oid:1.3.6.1.4.1.5923.1.5.1.1',
    'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
    'http://schemas.xmlsoap.org/claims/Group',
  ],
};

/** Characters of one claim value kept; a longer value is dropped, not cut (a cut email is another address). */
export const SAML_VALUE_MAX = 1024;
/** Characters of one group name, and how many groups one answer may bring. */
export const SAML_GROUP_MAX = 256;
export const SAML_GROUPS_MAX = 256;

/** The string values of an attribute as node-saml gives it (a string, a list, or an element it could not flatten). */
export function attributeValues(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

function firstPresent(attributes: Record<string, unknown>, names: readonly string[]): string[] {
  for (const name of names) {
    if (!Object.hasOwn(attributes, name)) continue;
    const values = attributeValues(attributes[name]);
    if (values.length > 0) return values;
  }
  return [];
}

export interface MappedAttributes {
  claims: Record<string, unknown>;
  groups: string[];
}

/** The claims and groups an answer's attributes give, under the IdP's mapping. */
export function mapAttributes(attributes: Record<string, unknown>, idp: Pick<SamlIdp, 'claimMap' | 'groupsClaim' | 'trustEmail'>): MappedAttributes {
  const names: Record<string, readonly string[]> = {};
  for (const [claim, list] of Object.entries(SAML_ATTRIBUTE_DEFAULTS)) if (claim !== 'groups') names[claim] = list;
  for (const [claim, attribute] of Object.entries(idp.claimMap ?? {})) names[claim] = [attribute];

  const claims: Record<string, unknown> = {};
  for (const [claim, list] of Object.entries(names)) {
    const value = firstPresent(attributes, list).find((v) => v.length > 0 && v.length <= SAML_VALUE_MAX);
    if (value !== undefined) claims[claim] = value;
  }
  if (typeof claims.email === 'string') claims.email_verified = idp.trustEmail === true;

  const groupNames = idp.groupsClaim ? [idp.groupsClaim] : SAML_ATTRIBUTE_DEFAULTS.groups!;
  const groups = [...new Set(firstPresent(attributes, groupNames).filter((g) => g.length > 0 && g.length <= SAML_GROUP_MAX))].slice(0, SAML_GROUPS_MAX);
  return { claims, groups };
}
