/**
 * POST /interaction/:uid/login: the password form. Bounded inputs, then the throttle, then the password; a success
 * remembers the browser for that account (device cookie) and finishes the login (and an account choice) step, or,
 * when the sign-in needs a second factor, hands it to that step (second-factor.ts).
 */
import type { RouterMiddleware } from '@koa/router';
import type { InteractionResults } from 'oidc-provider';
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_MS, type DeviceCookies } from '../accounts/device-cookies.js';
import type { LoginThrottle } from '../accounts/throttle.js';
import type { Users } from '../accounts/users.js';
import type { AuditLog } from '../audit/audit.js';
import type { DirectorySignIn } from '../directories/directory-sign-in.js';
import { oversizedCredential } from '../input-bounds.js';
import { ACR_PASSWORD } from '../oidc/acr.js';
import { AMR } from '../oidc/amr.js';
import type { LoginMetrics } from '../ops/metrics.js';
import { waitText } from '../pages/wait-text.js';
import { epochSeconds } from '../time.js';
import { finish } from './finish.js';
import { StartAgain, type Loader } from './load.js';
import type { Renderer } from './render.js';
import type { SecondFactor } from './second-factor.js';
import type { Federation } from './federation.js';

export interface LoginDeps {
  load: Pick<Loader, 'loadForPost'>;
  render: Pick<Renderer, 'localeFor' | 'renderLogin'>;
  users: Pick<Users, 'verify' | 'findByUsername'>;
  throttle: LoginThrottle;
  /** Proof that a browser signed in to an account before: its attempts there are throttled on their own. */
  devices: DeviceCookies;
  audit: AuditLog;
  metrics: LoginMetrics;
  /** Directory accounts (LDAP, Active Directory): names no local account holds go there. */
  directories?: Pick<DirectorySignIn, 'handles' | 'signIn' | 'throttleName'>;
  secondFactor: Pick<SecondFactor, 'needed' | 'begin'>;
  /** Home-realm discovery: a name in an upstream IdP's domain (and no local account) goes to that IdP. */
  federation?: Pick<Federation, 'forLogin' | 'start'>;
}

export function login({ load, render, users, throttle, devices, audit, metrics, directories, secondFactor, federation }: LoginDeps): RouterMiddleware {
  return async (ctx) => {
    const { interaction, form } = await load.loadForPost(ctx);
    if (!['login', 'select_account'].includes(interaction.prompt.name)) throw new StartAgain('not a login step');
    const username = (form.get('username') ?? '').trim();
    const password = form.get('password') ?? '';
    const locale = render.localeFor(ctx, interaction);

    // Refused before the throttle, the audit or argon2 see it: none of them should keep or hash an unbounded value.
    const oversized = oversizedCredential(username, password);
    if (oversized) {
      const field = locale.t(`login.${oversized.name}`);
      await render.renderLogin(ctx, interaction, 400, locale.t('login.too_long', { field, max: oversized.max }), '');
      return;
    }

    // JS-free home-realm discovery: the login POST itself answers with the redirect to the upstream.
    if (federation && username.includes('@')) {
      const idp = await federation.forLogin(username);
      if (idp && !(await users.findByUsername(username))?.passwordHash) {
        await federation.start(ctx, interaction, idp.name, { loginHint: username });
        return;
      }
    }
    const client = String(interaction.params.client_id);
    const deviceCookie = ctx.cookies.get(DEVICE_COOKIE, { signed: false });
    // The slot is taken before the password is checked, so parallel guesses queue; a wrong password leaves it counted.
    // A directory account is counted under one name whichever form it was typed in (alice@corp.example, CORP\alice).
    const counted = directories ? await directories.throttleName(username) : username;
    const admission = await throttle.admit({ username: counted, ip: ctx.ip, device: devices.deviceFor(deviceCookie, username) });
    if (!admission.admitted) {
      audit.record({ type: 'login', outcome: 'failure', user: username, client, ip: ctx.ip, action: 'throttled' });
      metrics.login('throttled');
      ctx.set('Retry-After', String(admission.retryAfter));
      await render.renderLogin(ctx, interaction, 429, locale.t('login.throttled', { wait: waitText(locale, admission.retryAfter) }), username);
      return;
    }
    // The sign-in's time is when the password was read, not when the browser comes back: a credential change in
    // between ends this session too (credential-fence.ts).
    let signedInAt = epochSeconds();
    let user: Awaited<ReturnType<Users['verify']>>;
    if (directories && (await directories.handles(() => users.findByUsername(username)))) {
      const outcome = await directories.signIn(username, password);
      if (outcome.kind === 'unavailable') {
        audit.record({ type: 'login', outcome: 'failure', user: username, client, ip: ctx.ip, action: `directory ${outcome.directory} unavailable` });
        metrics.login('failure');
        ctx.set('Retry-After', String(outcome.retryAfter));
        await render.renderLogin(ctx, interaction, 503, locale.t('directory.unavailable'), username);
        return;
      }
      if (outcome.kind === 'state') {
        audit.record({ type: 'login', outcome: 'failure', user: username, client, ip: ctx.ip, action: `directory ${outcome.directory}: account ${outcome.state}` });
        metrics.login('failure');
        await render.renderLogin(ctx, interaction, 403, locale.t(`directory.state.${outcome.state}`), username);
        return;
      }
      if (outcome.kind === 'invalid') {
        // The audit (administrators only) keeps why; the page tells no one whether the name or the password was wrong.
        audit.record({ type: 'login', outcome: 'failure', user: username, client, ip: ctx.ip, action: `directory: ${outcome.reason}` });
        metrics.login('failure');
        await render.renderLogin(ctx, interaction, 400, locale.t('login.invalid'), username);
        return;
      }
      user = outcome.user;
      // A first sign-in creates the mirrored record after the bind: the session must not predate the record.
      signedInAt = epochSeconds();
    } else {
      user = await users.verify(username, password);
    }
    if (!user) {
      audit.record({ type: 'login', outcome: 'failure', user: username, client, ip: ctx.ip, action: 'wrong username or password' });
      metrics.login('failure');
      await render.renderLogin(ctx, interaction, 400, locale.t('login.invalid'), username);
      return;
    }
    await throttle.succeeded(admission);
    ctx.cookies.set(DEVICE_COOKIE, devices.afterSignIn(deviceCookie, user.username), {
      signed: false,
      httpOnly: true,
      secure: ctx.secure,
      sameSite: 'lax',
      path: '/interaction',
      maxAge: DEVICE_COOKIE_MAX_AGE_MS,
    });
    metrics.login('success');
    audit.record({ type: 'login', outcome: 'success', user: user.sub, actor: user.username, client, ip: ctx.ip });
    const remember = form.get('remember') === 'yes';
    if (await secondFactor.needed(interaction, user)) {
      await secondFactor.begin(ctx, interaction, { accountId: user.sub, amr: [AMR.password], remember, ...(interaction.prompt.name === 'select_account' ? { selectAccount: true } : {}) });
      return;
    }
    const result: InteractionResults = {
      login: { accountId: user.sub, ts: signedInAt, acr: ACR_PASSWORD, amr: [AMR.password], remember },
    };
    if (interaction.prompt.name === 'select_account') result.select_account = {};
    await finish(ctx, interaction, result);
  };
}
