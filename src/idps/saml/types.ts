/**
 * What the SAML protocol reads of an IdP record, and the protocol shape the core calls: declared here so this folder
 * does not depend on the core's record or protocol files (each is a structural subset of the core's own types).
 */
import type { PendingProtocolState, UpstreamIdentity, UpstreamStart } from '../upstream.js';

/** An IdP's SAML side, as parsed from its metadata and kept on its record. */
export interface SamlSettings {
  entityId: string;
  ssoUrl: string;
  /** PEM certificates the IdP signs with (more than one during a rollover). */
  certificates: string[];
  /** The NameID format to ask for; persistent unless the administrator chose otherwise. */
  nameIdFormat?: string;
  /** With a transient NameID, the attribute that carries the stable subject instead. */
  subjectAttribute?: string;
  metadataXml: string;
  metadataUrl?: string;
}

/** The fields of an IdP record the SAML protocol uses. */
export interface SamlIdp {
  name: string;
  /** Our claim name → the SAML attribute name that fills it, over SAML_ATTRIBUTE_DEFAULTS. */
  claimMap?: Record<string, string>;
  /** The SAML attribute that carries the groups, over the defaults. */
  groupsClaim?: string;
  /** Whether the IdP's email is taken as verified (it vouches for its own directory); off unless set. */
  trustEmail?: boolean;
  saml?: SamlSettings;
}

/** The core's protocol interface (src/idps/protocol.ts on the core's branch), for an IdP record with a SAML side. */
export interface UpstreamProtocol<Idp = SamlIdp> {
  start(idp: Idp, input: { callbackUrl: string; pendingId: string; loginHint?: string; passive?: boolean }): Promise<UpstreamStart>;
  finish(idp: Idp, answer: URLSearchParams, kept: PendingProtocolState, input: { callbackUrl: string }): Promise<UpstreamIdentity>;
}
