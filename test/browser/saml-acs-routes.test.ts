/**
 * The SAML routes in a Koa server, with SimpleSAMLphp posting to them through Chromium: our SP metadata, a sign-in
 * that ends at the `complete` step, and answers refused at the ACS with the error page and an audit entry, nothing
 * completed. The core's stores are small in-memory stand-ins here, declared by SamlRouteDeps.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals';
import Koa from 'koa';
import { readForm } from '../../src/http/body.js';
import type { AuditEvent } from '../../src/audit/audit.js';
import type { PendingProtocolState, UpstreamIdentity } from '../../src/idps/upstream.js';
import { MemoryAssertionReplay, parseIdpMetadata, SAML_PAGE_KEYS, samlProtocolWith, samlRoutes, type SamlFailure, type SamlIdp } from '../../src/idps/saml/index.js';
import { VIEWS_DIR } from '../../src/pages/views.js';
import { useBrowser } from '../support/browser.js';
import { describeIf } from '../support/describe-if.js';
import { freePort } from '../support/ports.js';
import { decode, encode } from '../support/saml-answers.js';
import { SAML_USERS, simpleSamlPhpInstalled, startSimpleSamlPhp, type TestSimpleSamlPhp } from '../support/simplesamlphp.js';

const installed = simpleSamlPhpInstalled();

describeIf(installed)(`SAML routes${installed ? '' : ' (skipped: simplesamlphp with php-xml and php-mbstring not installed)'}`, () => {
  const browser = useBrowser();
  let ssp: TestSimpleSamlPhp;
  let server: Server;
  let origin: string;
  let idp: SamlIdp;
  type Pending = { id: string; idp: string; keep: PendingProtocolState };
  const pending = new Map<string, Pending>();
  const completed: { pendingId: string; identity: UpstreamIdentity }[] = [];
  const failed: { pendingId: string; failure: SamlFailure }[] = [];
  let disabled = false;
  const audited: Omit<AuditEvent, 'time'>[] = [];
  const forms: URLSearchParams[] = [];
  const protocol = samlProtocolWith({ replay: new MemoryAssertionReplay() });
  const urls = (name: string) => ({ entityId: `${origin}/federation/${name}/saml/metadata`, acsUrl: `${origin}/federation/${name}/saml/acs` });

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    ssp = await startSimpleSamlPhp({ sps: [urls('corp-saml')] });
    const metadataXml = await ssp.metadata();
    idp = { name: 'corp-saml', saml: { ...parseIdpMetadata(metadataXml), metadataXml } };
    const app = new Koa();
    app.use(
      samlRoutes({
        findIdp: async (name) => (name === idp.name && !disabled ? idp : undefined),
        spUrls: urls,
        pending: {
          take: async (id) => {
            const found = pending.get(id);
            pending.delete(id);
            return found;
          },
          completeUpstreamAnswer: async (p, identity) => {
            completed.push({ pendingId: p.id, identity });
            return `/done?pending=${encodeURIComponent(p.id)}`;
          },
          failUpstreamAnswer: async (p, failure) => {
            failed.push({ pendingId: p.id, failure });
            return `/failed?pending=${encodeURIComponent(p.id)}&code=${failure.code}`;
          },
        },
        protocol,
        audit: (event) => void audited.push(event),
        readForm: async (ctx, limit) => {
          const form = await readForm(ctx, limit);
          forms.push(form);
          return form;
        },
        errorPage: (ctx, status, key) => {
          ctx.status = status;
          ctx.body = `error page: ${key}`;
        },
      }).routes() as unknown as Koa.Middleware,
    );
    app.use((ctx) => {
      if (ctx.path === '/done') ctx.body = `done ${ctx.query.pending}`;
    });
    server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  }, 60_000);
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await ssp?.close();
  });
  beforeEach(() => {
    completed.length = 0;
    failed.length = 0;
    audited.length = 0;
    disabled = false;
  });

  const post = (name: string, form: Record<string, string>) =>
    fetch(`${origin}/federation/${name}/saml/acs`, { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' });

  async function signIn(user: keyof typeof SAML_USERS): Promise<{ pendingId: string; keep: PendingProtocolState; text: string; form: URLSearchParams }> {
    const pendingId = `p-${Math.random().toString(16).slice(2)}`;
    const start = await protocol.start(idp, { callbackUrl: urls(idp.name).acsUrl, pendingId });
    pending.set(pendingId, { id: pendingId, idp: idp.name, keep: start.keep });
    const page = await browser.page();
    await page.goto(start.redirectTo);
    await page.fill('input[name=username]', user);
    await page.fill('input[name=password]', SAML_USERS[user].password);
    await page.click('#submit_button');
    await page.waitForURL(`${origin}/done**`);
    return { pendingId, keep: start.keep, text: (await page.textContent('body')) ?? '', form: forms.at(-1)! };
  }

  test('our SP metadata is published for a SAML IdP, and nothing for an unknown one', async () => {
    const res = await fetch(urls('corp-saml').entityId);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/samlmetadata\+xml/);
    const xml = await res.text();
    expect(xml).toContain(`entityID="${urls('corp-saml').entityId}"`);
    expect(xml).toContain(`Location="${urls('corp-saml').acsUrl}"`);
    const unknown = await fetch(urls('nobody').entityId);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('error page: federation.saml.unknown_idp');
  });

  test('a sign-in at SimpleSAMLphp posts back to the ACS, which completes the pending sign-in and sends the browser on', async () => {
    const done = await signIn('alice');
    expect(done.text).toBe(`done ${done.pendingId}`);
    expect(completed).toEqual([{ pendingId: done.pendingId, identity: expect.objectContaining({ idp: 'corp-saml', groups: ['staff', 'engineers', 'saml-admins'] }) }]);
    expect(audited).toEqual([]);
    expect(pending.has(done.pendingId)).toBe(false);

    // The same answer posted again: its pending sign-in is gone.
    const again = await post('corp-saml', Object.fromEntries(done.form));
    expect({ status: again.status, body: await again.text() }).toEqual({ status: 400, body: 'error page: federation.saml.no_pending' });
    // Even with the pending sign-in put back, the assertion is not accepted twice: the done step is told why.
    pending.set(done.pendingId, { id: done.pendingId, idp: 'corp-saml', keep: done.keep });
    const replayed = await post('corp-saml', Object.fromEntries(done.form));
    expect({ status: replayed.status, location: replayed.headers.get('location') }).toEqual({ status: 303, location: `/failed?pending=${done.pendingId}&code=replayed` });
    expect(completed).toHaveLength(1);
    expect(failed).toEqual([{ pendingId: done.pendingId, failure: { code: 'replayed', message: expect.stringMatching(/already used/), oauthError: 'access_denied' } }]);
    expect(audited).toEqual([
      expect.objectContaining({ type: 'login', outcome: 'failure', action: 'saml corp-saml: no pending sign-in for this answer', ip: expect.any(String) }),
      expect.objectContaining({ type: 'login', outcome: 'failure', action: expect.stringMatching(/^saml corp-saml: replayed: /) }),
    ]);
  });

  test('a tampered answer, an answer for another IdP\'s pending sign-in, an oversized one, an unknown or disabled IdP: audited, nothing completed', async () => {
    const done = await signIn('bob');
    completed.length = 0;
    const tampered = encode(decode(done.form.get('SAMLResponse')!).replace('bob@saml.example', 'boss@saml.example'));
    pending.set('t1', { id: 't1', idp: 'corp-saml', keep: done.keep });
    const bad = await post('corp-saml', { SAMLResponse: tampered, RelayState: 't1' });
    expect({ status: bad.status, location: bad.headers.get('location') }).toEqual({ status: 303, location: '/failed?pending=t1&code=invalid_answer' });
    expect(pending.has('t1')).toBe(false);

    pending.set('t2', { id: 't2', idp: 'other-idp', keep: done.keep });
    const other = await post('corp-saml', { SAMLResponse: done.form.get('SAMLResponse')!, RelayState: 't2' });
    expect({ status: other.status, body: await other.text() }).toEqual({ status: 400, body: 'error page: federation.saml.no_pending' });

    const big = await post('corp-saml', { SAMLResponse: 'A'.repeat(600 * 1024), RelayState: 't3' });
    expect({ status: big.status, body: await big.text() }).toEqual({ status: 413, body: 'error page: federation.saml.invalid_answer' });

    const unknown = await post('nobody', { SAMLResponse: 'x', RelayState: 't4' });
    expect({ status: unknown.status, body: await unknown.text() }).toEqual({ status: 404, body: 'error page: federation.saml.unknown_idp' });

    // The IdP turned off while the person was at it: the done step is told, nothing verified.
    pending.set('t5', { id: 't5', idp: 'corp-saml', keep: done.keep });
    disabled = true;
    const off = await post('corp-saml', { SAMLResponse: done.form.get('SAMLResponse')!, RelayState: 't5' });
    expect({ status: off.status, location: off.headers.get('location') }).toEqual({ status: 303, location: '/failed?pending=t5&code=unavailable' });

    expect(completed).toEqual([]);
    expect(failed.map((f) => f.failure.code)).toEqual(['invalid_answer', 'unavailable']);
    expect(audited.map((e) => e.action)).toEqual([
      expect.stringMatching(/^saml corp-saml: invalid_answer: .*signature/i),
      'saml corp-saml: the pending sign-in belongs to other-idp',
      expect.stringMatching(/^saml corp-saml: unreadable answer: form too large/),
      'saml nobody: unknown identity provider',
      'saml corp-saml: unavailable: the identity provider was removed or disabled during the sign-in',
    ]);
    expect(audited.every((e) => e.type === 'login' && e.outcome === 'failure' && (e.action?.length ?? 0) <= 200)).toBe(true);
  });

  test('every page string the routes name is in both languages', () => {
    for (const lang of ['en', 'zh-CN']) {
      const strings = JSON.parse(readFileSync(join(VIEWS_DIR, 'locales', `${lang}.json`), 'utf8')) as Record<string, string>;
      expect(SAML_PAGE_KEYS.filter((k) => !strings[k])).toEqual([]);
    }
  });
});
