/** The SAML 2.0 upstream, as the core sees it: the one file it imports from this folder. */
export { parseIdpMetadata, spMetadata, SAML_METADATA_MAX, NAMEID_PERSISTENT, NAMEID_TRANSIENT, type IdpMetadata } from './metadata.js';
export { samlProtocolWith, spEntityIdFor, KEPT_REQUEST_ID, SAML_RESPONSE_MAX, SAML_CLOCK_SKEW_MS, type SamlProtocolDeps } from './protocol.js';
export { SAML_ATTRIBUTE_DEFAULTS, mapAttributes } from './attributes.js';
export type { AssertionReplay } from './replay.js';
export { RedisAssertionReplay } from './redis-replay.js';
export { MemoryAssertionReplay } from './memory-replay.js';
export { samlRoutes, SAML_PAGE_KEYS, type SamlRouteDeps, type SamlPending, type SamlFailure } from './routes.js';
export type { SamlIdp, SamlSettings, UpstreamProtocol } from './types.js';
