/**
 * The pages oidc-provider sends the browser to: login, account chooser, consent, and the POSTs that answer
 * them. Every POST needs the interaction cookie (checked by interactionDetails) and the CSRF token of its uid.
 * Each step lives in its own file and gets only what it needs; this router wires them.
 */
import Router from '@koa/router';
import type { Provider } from 'oidc-provider';
import type { DeviceCookies } from '../accounts/device-cookies.js';
import type { LoginThrottle } from '../accounts/throttle.js';
import type { Users } from '../accounts/users.js';
import type { AuditLog } from '../audit/audit.js';
import type { DirectorySignIn } from '../directories/directory-sign-in.js';
import type { ScopeConfig } from '../config/scope-schema.js';
import type { LoginMetrics } from '../ops/metrics.js';
import type { Csrf } from '../pages/csrf.js';
import type { Views } from '../pages/views.js';
import { abort } from './abort.js';
import { chooser } from './chooser.js';
import { consent } from './consent.js';
import { startAgainPage } from './expired.js';
import { loader } from './load.js';
import { login } from './login.js';
import { promptPage } from './prompt-page.js';
import { federation } from './federation.js';
import type { Idps } from '../idps/idps.js';
import type { PendingSignIns } from '../idps/pending-sign-ins.js';
import type { UpstreamProtocol } from '../idps/protocol.js';
import type { FederatedAccounts } from '../idps/federated-accounts.js';
import type { IdpRecord } from '../idps/idp-record.js';
import { renderer } from './render.js';
import { secondFactor } from './second-factor.js';
import { codeStep } from './second-factor-code.js';
import { enrolStep } from './second-factor-enrol.js';
import { passkeySteps } from './second-factor-passkey.js';
import { passkeySignIn } from './passkey-sign-in.js';
import type { RelyingParty } from '../mfa/passkeys.js';
import type { Factors } from '../mfa/factors.js';
import type { MfaRequired } from '../mfa/policy.js';

export interface InteractionDeps {
  /** The oidc-provider instance in service (it may be rebuilt while we run). */
  provider: { readonly current: Provider };
  audit: AuditLog;
  users: Users;
  throttle: LoginThrottle;
  /** Proof that a browser signed in to an account before: its attempts there are throttled on their own. */
  devices: DeviceCookies;
  views: Views;
  csrf: Csrf;
  /** The scopes in force now, with their consent texts. */
  scopes: () => readonly ScopeConfig[];
  metrics: LoginMetrics;
  /** Directory accounts (LDAP, Active Directory). */
  directories?: Pick<DirectorySignIn, 'handles' | 'signIn' | 'throttleName'>;
  /** Second factors, and the provider-wide `mfa.required` setting now. */
  factors: Factors;
  mfaRequired: () => MfaRequired;
  /** What authenticator apps show as the issuer of an enrolled account. */
  issuerLabel: string;
  /** Where passkeys are bound: the issuer's host and origin. */
  relyingParty: RelyingParty;
  /** Upstream identity providers: the sign-ins through them (absent: no buttons, no home-realm discovery). */
  federation?: {
    issuer: string;
    idps: Pick<Idps, 'list' | 'forSignIn'>;
    pending: Pick<PendingSignIns, 'newId' | 'save' | 'takeAnswer'>;
    protocols: Record<IdpRecord['type'], UpstreamProtocol>;
    accounts: Pick<FederatedAccounts, 'resolve'>;
  };
}

export function interactionRoutes({ provider, audit, users, throttle, devices, views, csrf, scopes, metrics, directories, factors, mfaRequired, issuerLabel, relyingParty, federation: upstream }: InteractionDeps): Router {
  const load = loader({ provider, csrf });
  // The login page's buttons are read through the federation's short-lived list, which needs the renderer itself.
  let buttons: ((lang: string) => Promise<{ name: string; label: string; logoUrl?: string | undefined }[]>) | undefined;
  const render = renderer({ provider, users, views, csrf, ...(upstream ? { idpButtons: (lang: string) => buttons!(lang) } : {}) });
  const accounts = chooser({ load, render, csrf });
  const consents = consent({ provider, load, render, csrf, scopes, audit });
  const second = secondFactor({ provider, render, csrf, factors, throttle, audit, mfaRequired, issuerLabel });
  const federated = upstream && federation({ ...upstream, load, render, csrf, audit, secondFactor: second });
  buttons = federated?.buttons;

  const router = new Router({ prefix: '/interaction/:uid' });
  router.use(startAgainPage(render));
  router.get('/', promptPage({ load, render, chooser: accounts, consent: consents, secondFactor: second, ...(federated ? { federation: federated } : {}) }));
  router.post('/login', login({ load, render, users, throttle, devices, audit, metrics, secondFactor: second, ...(directories ? { directories } : {}), ...(federated ? { federation: federated } : {}) }));
  if (federated) {
    router.get('/federation/done/:pendingId', federated.doneRoute);
    router.post('/federation/:idp', federated.startRoute);
  }
  router.post('/mfa/totp', codeStep('totp', { load, render, factors, throttle, secondFactor: second, audit }));
  router.post('/mfa/recovery', codeStep('recovery', { load, render, factors, throttle, secondFactor: second, audit }));
  router.post('/mfa/enrol', enrolStep({ load, render, factors, throttle, secondFactor: second, audit }));
  const passkeys = passkeySteps({ load, render, factors, throttle, secondFactor: second, audit, rp: relyingParty });
  router.post('/mfa/passkey/options', passkeys.options);
  router.post('/mfa/passkey/register', passkeys.register);
  router.post('/mfa/passkey/verify', passkeys.verify);
  const passwordless = passkeySignIn({ load, render, csrf, users, factors, throttle, audit, rp: relyingParty });
  router.get('/passkey', passwordless.page);
  router.post('/passkey/options', passwordless.options);
  router.post('/passkey/verify', passwordless.verify);
  router.post('/continue', accounts.continueAs);
  router.post('/switch', accounts.switchAccount);
  router.post('/confirm', consents.confirm);
  router.post('/abort', abort({ load }));
  return router;
}
