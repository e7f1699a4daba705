/**
 * The two SAML endpoints of an IdP: our SP metadata (what its administrator imports) and the ACS the browser posts
 * the Response to. The core wires them; these routes declare only what they use of it (SamlRouteDeps).
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AuditEvent } from '../../audit/audit.js';
import { UpstreamError, type PendingProtocolState, type UpstreamIdentity } from '../upstream.js';
import { spMetadata } from './metadata.js';
import { SAML_RESPONSE_MAX } from './protocol.js';
import type { SamlIdp, UpstreamProtocol } from './types.js';

/** Characters of an IdP name in the path, and of a RelayState (our pending sign-in's ID). */
const NAME_MAX = 64;
const RELAY_STATE_MAX = 256;
/** The form around the SAMLResponse: its RelayState, the field names, the URL encoding of base64's `+/=`. */
const ACS_FORM_MAX = Math.ceil(SAML_RESPONSE_MAX * 1.5) + 4096;

export interface SamlRouteDeps {
  /** The IdP of that name, if it exists, is enabled and speaks SAML. */
  findIdp(name: string): Promise<SamlIdp | undefined>;
  /** Our SP's entityID and ACS URL for an IdP (`{issuer}/federation/{name}/saml/metadata` and `…/acs`). */
  spUrls(name: string): { entityId: string; acsUrl: string };
  /** The pending sign-in of that ID, removed as it is read (one answer per request). */
  pending: { take(id: string): Promise<{ idp: string; keep: PendingProtocolState } | undefined> };
  protocol: UpstreamProtocol;
  /** Turns the verified identity into our account and the interaction's login; answers where to send the browser. */
  complete(pendingId: string, identity: UpstreamIdentity): Promise<string>;
  audit(event: Omit<AuditEvent, 'time'>): void | Promise<void>;
  /** The form body of at most `limit` bytes (an AppError with its status for a larger or malformed one). */
  readForm(ctx: Context, limit: number): Promise<URLSearchParams>;
  /** Our error page, with a message from the locale files (`federation.saml.*`). */
  errorPage(ctx: Context, status: number, messageKey: string): void | Promise<void>;
}

const STATUS_OF: Record<UpstreamError['code'], number> = { denied: 403, invalid_answer: 400, unavailable: 503, replayed: 400, no_pending: 400 };
const KEY_OF: Record<UpstreamError['code'], string> = {
  denied: 'federation.saml.denied',
  invalid_answer: 'federation.saml.invalid_answer',
  unavailable: 'federation.saml.unavailable',
  replayed: 'federation.saml.replayed',
  no_pending: 'federation.saml.no_pending',
};

/** Every page string these routes name (views/locales/*.json), for the locale tests. */
export const SAML_PAGE_KEYS = ['federation.saml.title', 'federation.saml.unknown_idp', ...Object.values(KEY_OF)];

const cut = (value: string, max: number) => (value.length > max ? `${value.slice(0, max)}…` : value);

export function samlRoutes(deps: SamlRouteDeps): Router {
  const router = new Router({ prefix: '/federation/:idp/saml' });

  router.get('/metadata', async (ctx) => {
    const name = ctx.params.idp ?? '';
    const idp = name.length <= NAME_MAX ? await deps.findIdp(name) : undefined;
    if (!idp?.saml) return deps.errorPage(ctx, 404, 'federation.saml.unknown_idp');
    ctx.type = 'application/samlmetadata+xml';
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = spMetadata(deps.spUrls(idp.name));
  });

  router.post('/acs', async (ctx) => {
    const name = ctx.params.idp ?? '';
    const refused = async (status: number, key: string, reason: string) => {
      await deps.audit({ type: 'login', outcome: 'failure', action: cut(`saml ${cut(name, NAME_MAX)}: ${reason}`, 200), ip: ctx.ip });
      return deps.errorPage(ctx, status, key);
    };
    const idp = name.length <= NAME_MAX ? await deps.findIdp(name) : undefined;
    if (!idp?.saml) return refused(404, 'federation.saml.unknown_idp', 'unknown identity provider');
    let form: URLSearchParams;
    try {
      form = await deps.readForm(ctx, ACS_FORM_MAX);
    } catch (err) {
      const status = (err as { status?: number }).status ?? 400;
      return refused(status, 'federation.saml.invalid_answer', `unreadable answer: ${err instanceof Error ? err.message : 'form'}`);
    }
    const relayState = form.get('RelayState') ?? '';
    const pending = relayState && relayState.length <= RELAY_STATE_MAX ? await deps.pending.take(relayState) : undefined;
    if (!pending || pending.idp !== idp.name) return refused(400, 'federation.saml.no_pending', 'no pending sign-in for this answer');
    let identity: UpstreamIdentity;
    try {
      identity = await deps.protocol.finish(idp, form, pending.keep, { callbackUrl: deps.spUrls(idp.name).acsUrl });
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      return refused(STATUS_OF[err.code], KEY_OF[err.code], `${err.code}: ${err.message}`);
    }
    ctx.status = 303;
    ctx.redirect(await deps.complete(relayState, identity));
  });

  return router;
}
