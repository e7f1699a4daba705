/**
 * Placeholder for the SAML 2.0 protocol (built on its own branch, idp-saml, which replaces this file): until then a
 * SAML IdP can neither be created nor used.
 */
import { AppError } from '../../errors.js';
import { UpstreamError } from '../upstream.js';
import type { UpstreamProtocol } from '../protocol.js';

export interface IdpMetadata {
  entityId: string;
  ssoUrl: string;
  certificates: string[];
}

export function parseIdpMetadata(_xml: string): IdpMetadata {
  throw new AppError('unavailable', 'SAML: not yet (the SAML 2.0 protocol is not built into this version)', { field: 'saml' });
}

export const samlProtocol: UpstreamProtocol = {
  start: () => Promise.reject(new UpstreamError('SAML: not yet', 'unavailable')),
  finish: () => Promise.reject(new UpstreamError('SAML: not yet', 'unavailable')),
};
