/** `idp test`: whether an upstream is usable now: OIDC discovery and its JWKS reachable, or the SAML metadata parsed. */
import { OidcProtocol } from './oidc-protocol.js';
import type { IdpRecord } from './idp-record.js';
import { parseIdpMetadata } from './saml/index.js';

export interface IdpTestReport {
  ok: boolean;
  steps: { step: string; ok: boolean; detail?: string }[];
}

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);

export async function testIdp(idp: IdpRecord, protocol = new OidcProtocol()): Promise<IdpTestReport> {
  const steps: IdpTestReport['steps'] = [];
  if (idp.type === 'saml') {
    try {
      const parsed = parseIdpMetadata(idp.saml!.metadataXml);
      steps.push({ step: 'metadata', ok: true, detail: `${parsed.entityId} → ${parsed.ssoUrl}, ${parsed.certificates.length} certificate(s)` });
    } catch (err) {
      steps.push({ step: 'metadata', ok: false, detail: reason(err) });
    }
    return { ok: steps.every((s) => s.ok), steps };
  }
  if (idp.oidc && !idp.oidc.clientSecret) steps.push({ step: 'secret', ok: false, detail: `no client secret is set: oidc-op idp update ${idp.name} --client-secret-stdin` });
  try {
    const config = await protocol.configuration(idp);
    const meta = config.serverMetadata();
    steps.push({ step: 'discovery', ok: true, detail: `${meta.issuer}: authorization ${meta.authorization_endpoint}, token ${meta.token_endpoint}` });
    if (!meta.jwks_uri) steps.push({ step: 'jwks', ok: false, detail: 'no jwks_uri in the discovery document' });
    else {
      const response = await fetch(meta.jwks_uri, { signal: AbortSignal.timeout(5000) });
      const body = response.ok ? ((await response.json()) as { keys?: unknown[] }) : undefined;
      const n = Array.isArray(body?.keys) ? body.keys.length : 0;
      steps.push({ step: 'jwks', ok: n > 0, detail: response.ok ? `${n} key(s)` : `HTTP ${response.status}` });
    }
  } catch (err) {
    steps.push({ step: steps.length ? 'jwks' : 'discovery', ok: false, detail: reason(err) });
  }
  return { ok: steps.every((s) => s.ok), steps };
}
