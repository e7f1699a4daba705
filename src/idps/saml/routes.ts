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

/** What the routes need of a pending sign-in (the core's PendingSignIn has more). */
export interface SamlPending {
  idp: string;
  keep: PendingProtocolState;
  /** The relying party's client_id, for the audit entry of a refusal. */
  client?: string | undefined;
}

/** Why an upstream answer was refused, as the done step shows it (the core's UpstreamFailure). */
export interface SamlFailure {
  code: UpstreamError['code'];
  message: string;
  oauthError: UpstreamError['oauthError'];
}

export interface SamlRouteDeps<P extends SamlPending = SamlPending> {
  /** The IdP of that name, if it exists, is enabled and speaks SAML. */
  findIdp(name: string): Promise<SamlIdp | undefined>;
  /** Our SP's entityID and ACS URL for an IdP (`{issuer}/federation/{name}/saml/metadata` and `…/acs`). */
  spUrls(name: string): { entityId: string; acsUrl: string };
  pending: {
    /** The pending sign-in of that ID, removed as it is read (one answer per request). */
    take(id: string): Promise<P | undefined>;
    /** Keeps the verified identity for the browser that started the sign-in; answers where to send it (the done step). */
    completeUpstreamAnswer(pending: P, identity: UpstreamIdentity): Promise<string>;
    /** Keeps why the answer was refused for the done step (our page, or the client told); answers where to send the browser. */
    failUpstreamAnswer(pending: P, failure: SamlFailure): Promise<string>;
  };
  protocol: UpstreamProtocol;
  audit(event: Omit<AuditEvent, 'time'>): void | Promise<void>;
  /** The form body of at most `limit` bytes (an AppError with its status for a larger or malformed one). */
  readForm(ctx: Context, limit: number): Promise<URLSearchParams>;
  /** Our error page, with a message from the locale files (`federation.saml.*`): for answers that belong to no sign-in. */
  errorPage(ctx: Context, status: number, messageKey: string): void | Promise<void>;
}

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

export function samlRoutes<P extends SamlPending>(deps: SamlRouteDeps<P>): Router {
  const router = new Router({ prefix: '/federation/:idp/saml' });

  router.get('/metadata', async (ctx) => {
    const name = ctx.params.idp ?? '';
    const idp = name.length <= NAME_MAX ? await deps.findIdp(name) : undefined;
    if (!idp?.saml) return deps.errorPage(ctx, 404, 'federation.saml.unknown_idp');
    ctx.type = 'application/samlmetadata+xml';
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = spMetadata({ ...deps.spUrls(idp.name), nameIdFormat: idp.saml.nameIdFormat });
  });

  router.post('/acs', async (ctx) => {
    const name = (ctx.params.idp ?? '').slice(0, NAME_MAX + 1);
    // The one audit entry of a refused answer is written here, where it is refused; the done step only shows it.
    const audit = (reason: string, client?: string) => deps.audit({ type: 'login', outcome: 'failure', action: cut(`saml ${cut(name, NAME_MAX)}: ${reason}`, 200), ip: ctx.ip, ...(client ? { client } : {}) });
    const refused = async (status: number, key: string, reason: string) => {
      await audit(reason);
      return deps.errorPage(ctx, status, key);
    };
    const onward = (url: string) => {
      ctx.status = 303;
      ctx.set('Cache-Control', 'no-store');
      ctx.redirect(url);
    };
    let form: URLSearchParams;
    try {
      form = await deps.readForm(ctx, ACS_FORM_MAX);
    } catch (err) {
      const status = (err as { status?: number }).status ?? 400;
      return refused(status, 'federation.saml.invalid_answer', `unreadable answer: ${err instanceof Error ? err.message : 'form'}`);
    }
    // The RelayState names the pending sign-in, which is consumed here whatever the answer: one answer per request.
    const relayState = form.get('RelayState') ?? '';
    const pending = relayState && relayState.length <= RELAY_STATE_MAX ? await deps.pending.take(relayState) : undefined;
    if (!pending) {
      const known = name.length <= NAME_MAX && (await deps.findIdp(name))?.saml;
      return known ? refused(400, 'federation.saml.no_pending', 'no pending sign-in for this answer') : refused(404, 'federation.saml.unknown_idp', 'unknown identity provider');
    }
    if (pending.idp !== name) return refused(400, 'federation.saml.no_pending', `the pending sign-in belongs to ${cut(pending.idp, NAME_MAX)}`);
    const idp = await deps.findIdp(name);
    if (!idp?.saml) {
      await audit('unavailable: the identity provider was removed or disabled during the sign-in', pending.client);
      return onward(await deps.pending.failUpstreamAnswer(pending, { code: 'unavailable', message: 'the identity provider was removed or disabled during the sign-in', oauthError: 'access_denied' }));
    }
    let identity: UpstreamIdentity;
    try {
      identity = await deps.protocol.finish(idp, form, pending.keep, { callbackUrl: deps.spUrls(idp.name).acsUrl });
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      await audit(`${err.code}: ${err.message}`, pending.client);
      return onward(await deps.pending.failUpstreamAnswer(pending, { code: err.code, message: err.message, oauthError: err.oauthError }));
    }
    onward(await deps.pending.completeUpstreamAnswer(pending, identity));
  });

  return router;
}
