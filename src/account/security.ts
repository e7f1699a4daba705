/**
 * The user's own second factors (/account/security): what is enrolled, adding an authenticator app or a passkey,
 * removing one, a new set of recovery codes. Behind the account page's sign-in, CSRF and re-authentication rule.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { LoginThrottle } from '../accounts/throttle.js';
import type { AuditLog } from '../audit/audit.js';
import type { Factors, FactorTarget } from '../mfa/factors.js';
import { PASSKEY_NAME_MAX, passkeyResponseOf, registrationOptions, verifyRegistration, type RelyingParty } from '../mfa/passkeys.js';
import { secondFactorRequired, type MfaRequired } from '../mfa/policy.js';
import { qrDataUrl } from '../mfa/qr.js';
import { groupedSecret, totpUri } from '../mfa/totp.js';
import { languageLinks, requestLocale } from '../pages/page-locale.js';
import { waitText } from '../pages/wait-text.js';
import type { Views } from '../pages/views.js';
import { ACCOUNT_PATH } from './account-client.js';
import type { CurrentSession } from './current-session.js';

export const SECURITY_PATH = `${ACCOUNT_PATH}/security`;

export interface SecurityDeps {
  factors: Factors;
  throttle: Pick<LoginThrottle, 'admit' | 'succeeded'>;
  /** The provider-wide `mfa.required` setting now. */
  mfaRequired: () => MfaRequired;
  /** What an authenticator app shows as the entry's issuer. */
  issuerLabel: string;
  rp: RelyingParty;
  audit: AuditLog;
  views: Views;
}

/** What the account page's routes lend this one: its sign-in, its CSRF check and its freshness rule. */
export interface AccountGate {
  /** The signed-in session, or undefined after sending the browser to sign in (and back to `back`). */
  signedIn(ctx: Context, back: 'security'): Promise<CurrentSession | undefined>;
  /** The POST's form once its CSRF token holds; otherwise a 403 page and undefined. */
  checkedForm(ctx: Context, current: CurrentSession): Promise<URLSearchParams | undefined>;
  /** Where to sign in again (prompt=login), coming back to `back`. */
  signInAgainUrl(ctx: Context, back: 'security'): string;
  csrfToken(current: CurrentSession): string;
  /** Whether the sign-in is recent enough for a sensitive change. */
  fresh(current: CurrentSession): boolean;
}

/** Characters of a code as typed (digits with spaces, or a recovery code). */
const CODE_MAX = 64;
/** The notices a redirect back to the page may name (its `done` query). */
const DONE = ['passkey_added'] as const;

const shownTime = (iso: string | undefined) => (iso ? `${iso.replace('T', ' ').slice(0, 16)} UTC` : '');


/** A passkey's name as typed: bounded, without control characters; empty gives none. */
const passkeyName = (input: string | null) =>
  (input ?? '')
    .slice(0, PASSKEY_NAME_MAX * 4)
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, PASSKEY_NAME_MAX);

export function securityRoutes(router: Router, deps: SecurityDeps, gate: AccountGate): void {
  const { factors, throttle, audit, views } = deps;

  /** Whether the setting demands a second factor of this account at every sign-in. */
  const required = (current: CurrentSession) => secondFactorRequired({ setting: deps.mfaRequired(), role: current.user.role, clientRequires: false, acrs: [] });

  const record = (ctx: Context, current: CurrentSession, outcome: 'success' | 'failure', action: string) =>
    audit.record({ type: 'mfa', outcome, actor: current.user.username, user: current.user.sub, ip: ctx.ip, action: `${action} on the account page` });

  async function page(ctx: Context, current: CurrentSession, options: { notice?: string; error?: string; codes?: string[]; status?: number } = {}) {
    const locale = requestLocale(ctx, views);
    const sub = current.user.sub;
    const summary = await factors.summary(sub);
    const passkeys = await factors.passkeys(sub);
    const secret = summary.totp ? undefined : await factors.beginTotp(sub);
    ctx.status = options.status ?? 200;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = views.render(
      'account-security',
      locale,
      {
        title: locale.t('account.security.title'),
        wide: true,
        csrf: gate.csrfToken(current),
        notice: options.notice,
        error: options.error,
        codes: options.codes ?? [],
        required: required(current),
        app: { enrolled: summary.totp, since: shownTime(summary.totpEnrolledAt) },
        enrol: secret ? { qr: await qrDataUrl(totpUri(secret, deps.issuerLabel, current.user.username)), secret: groupedSecret(secret) } : undefined,
        recovery: { left: summary.recoveryCodesLeft, since: shownTime(summary.recoveryCodesCreatedAt) },
        hasFactor: summary.totp || passkeys.length > 0,
        // Synced or bound to this device, as the authenticator last reported it (unknown for older passkeys until used).
        passkeys: passkeys.map((p) => ({ id: p.id, name: p.name ?? '', added: shownTime(p.createdAt), synced: p.synced })),
      },
      languageLinks(views, SECURITY_PATH, locale.lang),
    );
  }

  /** The session and form of a change: signed in, the CSRF token right, and a recent sign-in (else signed in again). */
  async function change(ctx: Context): Promise<{ current: CurrentSession; form: URLSearchParams } | undefined> {
    const current = await gate.signedIn(ctx, 'security');
    const form = current && (await gate.checkedForm(ctx, current));
    if (!current || !form) return undefined;
    if (!gate.fresh(current)) {
      ctx.set('Cache-Control', 'no-store');
      ctx.redirect(gate.signInAgainUrl(ctx, 'security'));
      return undefined;
    }
    return { current, form };
  }

  router.get('/security', async (ctx) => {
    const current = await gate.signedIn(ctx, 'security');
    if (!current) return;
    const done = DONE.find((d) => d === ctx.query.done);
    await page(ctx, current, done ? { notice: requestLocale(ctx, views).t(`account.security.${done}`) } : {});
  });

  // The first code of a new authenticator app: the key shown on the page becomes the account's.
  router.post('/security/app', async (ctx) => {
    const asked = await change(ctx);
    if (!asked) return;
    const { current, form } = asked;
    const t = requestLocale(ctx, views).t;
    const sub = current.user.sub;
    if ((await factors.summary(sub)).totp) return page(ctx, current, { error: t('account.security.app_exists'), status: 409 });
    const admission = await throttle.admit({ username: `mfa:${sub}`, ip: ctx.ip });
    if (!admission.admitted) {
      record(ctx, current, 'failure', 'totp enrolment throttled');
      ctx.set('Retry-After', String(admission.retryAfter));
      return page(ctx, current, { error: t('mfa.code.throttled', { wait: waitText(requestLocale(ctx, views), admission.retryAfter) }), status: 429 });
    }
    const code = form.get('code') ?? '';
    const verdict = code.length > CODE_MAX ? 'malformed' : await factors.confirmTotp(sub, code);
    if (verdict !== 'accepted') {
      record(ctx, current, 'failure', `totp enrolment ${verdict.replace('_', ' ')}`);
      return page(ctx, current, { error: t(verdict === 'malformed' ? 'mfa.code.malformed' : verdict === 'replayed' ? 'mfa.code.replayed' : 'mfa.code.invalid'), status: 400 });
    }
    await throttle.succeeded(admission);
    record(ctx, current, 'success', 'totp enrolled');
    const codes = (await factors.summary(sub)).recoveryCodesLeft === 0 ? await factors.newRecoveryCodes(sub) : [];
    if (codes.length) record(ctx, current, 'success', 'recovery codes created');
    await page(ctx, current, { notice: t('account.security.app_added'), codes });
  });

  /** Removes the app or a passkey; the last one is kept when the account must have a second factor. */
  async function remove(ctx: Context, current: CurrentSession, target: FactorTarget) {
    const t = requestLocale(ctx, views).t;
    const what = target.kind === 'totp' ? 'totp' : 'passkey';
    const outcome = await factors.removeFactor(current.user.sub, target, required(current));
    if (outcome === 'not_found') return page(ctx, current, { error: t('account.security.not_found'), status: 404 });
    if (outcome === 'last') {
      record(ctx, current, 'failure', `${what} removal refused: a second factor is required`);
      return page(ctx, current, { error: t('account.security.last_required'), status: 409 });
    }
    record(ctx, current, 'success', `${what} removed`);
    await page(ctx, current, { notice: t(target.kind === 'totp' ? 'account.security.app_removed' : 'account.security.passkey_removed') });
  }

  router.post('/security/app/remove', async (ctx) => {
    const asked = await change(ctx);
    if (asked) await remove(ctx, asked.current, { kind: 'totp' });
  });

  router.post('/security/passkeys/remove', async (ctx) => {
    const asked = await change(ctx);
    if (asked) await remove(ctx, asked.current, { kind: 'passkey', id: (asked.form.get('passkey') ?? '').slice(0, 1024) });
  });

  // A new set of recovery codes, shown once: the old set is void.
  router.post('/security/recovery-codes', async (ctx) => {
    const asked = await change(ctx);
    if (!asked) return;
    const { current } = asked;
    const t = requestLocale(ctx, views).t;
    const summary = await factors.summary(current.user.sub);
    if (!summary.totp && summary.passkeys === 0) return page(ctx, current, { error: t('account.security.codes_need_factor'), status: 409 });
    const codes = await factors.newRecoveryCodes(current.user.sub);
    record(ctx, current, 'success', 'recovery codes created');
    await page(ctx, current, { notice: t('account.security.codes_created'), codes });
  });

  /** The passkey script's JSON answers: a refusal with a message, and where to sign in again when the sign-in is old. */
  async function passkeyChange(ctx: Context): Promise<{ current: CurrentSession; form: URLSearchParams } | undefined> {
    const current = await gate.signedIn(ctx, 'security');
    const form = current && (await gate.checkedForm(ctx, current));
    if (!current || !form) return undefined;
    if (!gate.fresh(current)) {
      ctx.status = 401;
      ctx.body = { error: requestLocale(ctx, views).t('account.security.sign_in_again'), location: gate.signInAgainUrl(ctx, 'security') };
      return undefined;
    }
    return { current, form };
  }

  router.post('/security/passkey/options', async (ctx) => {
    const asked = await passkeyChange(ctx);
    if (!asked) return;
    const { current } = asked;
    const made = await registrationOptions(deps.rp, { sub: current.user.sub, username: current.user.username }, await factors.passkeys(current.user.sub));
    await factors.holdPasskeyChallenge(current.user.sub, made.challenge);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = made;
  });

  router.post('/security/passkey/register', async (ctx) => {
    const asked = await passkeyChange(ctx);
    if (!asked) return;
    const { current, form } = asked;
    const sub = current.user.sub;
    const fail = (reason: string) => {
      record(ctx, current, 'failure', `passkey register ${reason}`);
      ctx.status = 400;
      ctx.body = { error: requestLocale(ctx, views).t('mfa.passkey.failed') };
    };
    // The challenge is spent whatever the outcome: an answer is checked against it once.
    const challenge = await factors.takePasskeyChallenge(sub);
    const response = passkeyResponseOf(form.get('response'));
    if (!challenge || !response) return fail(challenge ? 'malformed' : 'without a challenge');
    const made = await verifyRegistration(deps.rp, response, challenge, new Date());
    if (!made) return fail('refused');
    const name = passkeyName(form.get('name'));
    await factors.addPasskey(sub, { ...made.passkey, ...(name ? { name } : {}) });
    record(ctx, current, 'success', 'passkey registered');
    // With no recovery codes yet (a first factor), ten now, sent once in this answer for the page to show.
    const codes = (await factors.summary(sub)).recoveryCodesLeft === 0 ? await factors.newRecoveryCodes(sub) : [];
    if (codes.length) record(ctx, current, 'success', 'recovery codes created');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { location: `${SECURITY_PATH}?done=passkey_added`, ...(codes.length ? { codes } : {}) };
  });
}
