/**
 * The SAML protocol against a real SimpleSAMLphp IdP: a sign-in through its own login page in Chromium gives a real
 * SAMLResponse, which `finish` verifies into an identity; then that answer, replayed, unsolicited, for another request,
 * tampered with, wrapped, or changed and signed again with the IdP's key (wrong audience, destination, recipient,
 * issuer, times), is refused each time for its own reason.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { UpstreamError, type PendingProtocolState } from '../../src/idps/upstream.js';
import { KEPT_REQUEST_ID, MemoryAssertionReplay, parseIdpMetadata, samlProtocolWith, type SamlIdp } from '../../src/idps/saml/index.js';
import { useBrowser } from '../support/browser.js';
import { describeIf } from '../support/describe-if.js';
import { assertionOf, decode, encode, iso, NS, parse, resigned, serialize, setAll, sign, the, unsigned } from '../support/saml-answers.js';
import { SAML_USERS, simpleSamlPhpInstalled, startSimpleSamlPhp, type TestSimpleSamlPhp } from '../support/simplesamlphp.js';

const installed = simpleSamlPhpInstalled();
// Our side is never listening here: Chromium's POST to the ACS is caught and its form kept.
const ACS = 'http://127.0.0.1:9/federation/corp-saml/saml/acs';
const ENTITY_ID = 'http://127.0.0.1:9/federation/corp-saml/saml/metadata';

interface Answer {
  form: URLSearchParams;
  kept: PendingProtocolState;
  pendingId: string;
}

describeIf(installed)(`SAML upstream against SimpleSAMLphp${installed ? '' : ' (skipped: simplesamlphp with php-xml and php-mbstring not installed)'}`, () => {
  const browser = useBrowser();
  let ssp: TestSimpleSamlPhp;
  let idp: SamlIdp;
  let key: { privateKey: string; certificate: string };

  beforeAll(async () => {
    ssp = await startSimpleSamlPhp({ sps: [{ entityId: ENTITY_ID, acsUrl: ACS }] });
    const metadataXml = await ssp.metadata();
    idp = { name: 'corp-saml', saml: { ...parseIdpMetadata(metadataXml), metadataXml, metadataUrl: ssp.metadataUrl } };
    key = { privateKey: ssp.privateKey, certificate: ssp.certificate };
  }, 60_000);
  afterAll(async () => {
    await ssp?.close();
  });

  /** Resolves with the form Chromium posts to our ACS. */
  async function caughtPost(page: Page): Promise<URLSearchParams> {
    return new Promise((resolve) => {
      void page.route(`${ACS}*`, async (route) => {
        resolve(new URLSearchParams(route.request().postData() ?? ''));
        await route.fulfill({ status: 200, contentType: 'text/plain', body: 'caught' });
      });
    });
  }

  /** A sign-in at SimpleSAMLphp, from our AuthnRequest to the Response posted back; the page stays signed in there. */
  async function signIn(user: keyof typeof SAML_USERS, page?: Page): Promise<Answer & { page: Page }> {
    const protocol = samlProtocolWith({ replay: new MemoryAssertionReplay() });
    const pendingId = `pending-${user}-${Math.random().toString(16).slice(2)}`;
    const start = await protocol.start(idp, { callbackUrl: ACS, pendingId });
    const p = page ?? (await browser.page());
    const posted = caughtPost(p);
    await p.goto(start.redirectTo);
    if (!page) {
      await p.fill('input[name=username]', user);
      await p.fill('input[name=password]', SAML_USERS[user].password);
      await p.click('#submit_button');
    }
    const form = await posted;
    await p.unroute(`${ACS}*`);
    return { form, kept: start.keep, pendingId, page: p };
  }

  const finish = (answer: { form: URLSearchParams; kept: PendingProtocolState }, replay = new MemoryAssertionReplay()) =>
    samlProtocolWith({ replay }).finish(idp, answer.form, answer.kept, { callbackUrl: ACS });

  async function refused(promise: Promise<unknown>, code: UpstreamError['code'], message: RegExp): Promise<void> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UpstreamError);
    expect({ code: (err as UpstreamError).code, message: (err as UpstreamError).message }).toEqual({ code, message: expect.stringMatching(message) });
  }

  const withResponse = (answer: Answer, samlResponse: string): Answer => {
    const form = new URLSearchParams(answer.form);
    form.set('SAMLResponse', samlResponse);
    return { ...answer, form };
  };

  let alice: Answer & { page: Page };
  describe('a real sign-in', () => {
    test('the AuthnRequest goes by redirect with our entityID, ACS, persistent NameID, and RelayState = the pending sign-in', async () => {
      const start = await samlProtocolWith({ replay: new MemoryAssertionReplay() }).start(idp, { callbackUrl: ACS, pendingId: 'p1' });
      const url = new URL(start.redirectTo);
      expect(url.origin + url.pathname).toBe(idp.saml!.ssoUrl);
      expect(url.searchParams.get('RelayState')).toBe('p1');
      const { inflateRawSync } = await import('node:zlib');
      const request = inflateRawSync(Buffer.from(url.searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
      expect(request).toContain(`ID="${start.keep[KEPT_REQUEST_ID]}"`);
      expect(request).toContain(`AssertionConsumerServiceURL="${ACS}"`);
      expect(request).toContain(`>${ENTITY_ID}</saml:Issuer>`);
      expect(request).toContain('Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"');
    });

    test('IsPassive for a relying party\'s prompt=none: SimpleSAMLphp with no session answers NoPassive, which is login_required', async () => {
      const protocol = samlProtocolWith({ replay: new MemoryAssertionReplay() });
      const { inflateRawSync } = await import('node:zlib');
      const requestOf = (redirectTo: string) => inflateRawSync(Buffer.from(new URL(redirectTo).searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
      expect(requestOf((await protocol.start(idp, { callbackUrl: ACS, pendingId: 'p0' })).redirectTo)).not.toContain('IsPassive="true"');
      const start = await protocol.start(idp, { callbackUrl: ACS, pendingId: 'passive-1', passive: true });
      expect(requestOf(start.redirectTo)).toContain('IsPassive="true"');
      // A browser with no session at the IdP: it answers at once, without its login page.
      const page = await browser.page();
      const posted = caughtPost(page);
      await page.goto(start.redirectTo);
      const form = await posted;
      const err = await protocol.finish(idp, form, start.keep, { callbackUrl: ACS }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UpstreamError);
      expect(err).toMatchObject({ code: 'denied', oauthError: 'login_required', message: expect.stringMatching(/without interaction/) });
    });

    test('alice signs in at SimpleSAMLphp: a persistent subject, her attributes as claims, her groups', async () => {
      alice = await signIn('alice');
      expect(alice.form.get('RelayState')).toBe(alice.pendingId);
      const identity = await finish(alice);
      expect(identity).toEqual({
        idp: 'corp-saml',
        subject: expect.stringMatching(/^[0-9a-f]{40}$/),
        claims: {
          email: 'alice@saml.example',
          email_verified: false,
          name: 'Alice Liddell',
          given_name: 'Alice',
          family_name: 'Liddell',
          preferred_username: 'alice',
        },
        groups: ['staff', 'engineers', 'saml-admins'],
        upstreamAcr: 'urn:oasis:names:tc:SAML:2.0:ac:classes:Password',
      });
      await browser.screenshot(alice.page, 'saml-simplesamlphp-posted');
      // The same person next time (a new browser, a new request) is the same subject; bob is another.
      const again = await finish(await signIn('alice'));
      const bob = await finish(await signIn('bob'));
      expect(again.subject).toBe(identity.subject);
      expect(bob.subject).not.toBe(identity.subject);
      expect(bob.groups).toEqual(['staff']);
    });

    test('an IdP that vouches for its email (trustEmail) gives email_verified', async () => {
      const answer = await signIn('bob');
      const identity = await samlProtocolWith({ replay: new MemoryAssertionReplay() }).finish({ ...idp, trustEmail: true }, answer.form, answer.kept, { callbackUrl: ACS });
      expect(identity.claims).toMatchObject({ email: 'bob@saml.example', email_verified: true });
    });

    test('the answer signed on the response alone is accepted; signed nowhere, refused', async () => {
      const responseSigned = resigned(alice.form.get('SAMLResponse')!, key, () => {}, 'response');
      await expect(finish(withResponse(alice, responseSigned))).resolves.toMatchObject({ claims: { email: 'alice@saml.example' } });
      const doc = parse(decode(alice.form.get('SAMLResponse')!));
      unsigned(doc);
      await refused(finish(withResponse(alice, encode(serialize(doc)))), 'invalid_answer', /signature/i);
    });
  });

  describe('refused answers', () => {
    test('replayed: the same answer a second time', async () => {
      const answer = await signIn('alice');
      const replay = new MemoryAssertionReplay();
      await finish(answer, replay);
      await refused(finish(answer, replay), 'replayed', /already used/);
    });

    test('unsolicited: no pending request, or an IdP-initiated answer with no InResponseTo', async () => {
      const answer = await signIn('alice');
      await refused(finish({ ...answer, kept: {} }), 'no_pending', /no SAML request is pending/);
      // SimpleSAMLphp's IdP-initiated sign-in: a valid, signed response that answers no request of ours.
      const page = answer.page;
      const posted = caughtPost(page);
      await page.goto(`${ssp.origin}/saml2/idp/SSOService.php?spentityid=${encodeURIComponent(ENTITY_ID)}`);
      const unsolicited = await posted;
      expect(decode(unsolicited.get('SAMLResponse')!)).not.toContain('InResponseTo');
      await refused(finish({ ...answer, form: unsolicited }), 'invalid_answer', /InResponseTo is missing/);
    });

    test('for another pending request: the answer to A offered to B', async () => {
      const a = await signIn('alice');
      const b = await samlProtocolWith({ replay: new MemoryAssertionReplay() }).start(idp, { callbackUrl: ACS, pendingId: 'b' });
      await refused(finish({ ...a, kept: b.keep }), 'invalid_answer', /InResponseTo is not valid/);
    });

    test('a byte changed under the signature, or in the signature value', async () => {
      const xml = decode(alice.form.get('SAMLResponse')!);
      expect(xml).toContain('alice@saml.example');
      await refused(finish(withResponse(alice, encode(xml.replace('alice@saml.example', 'alice@saml.examplf')))), 'invalid_answer', /signature/i);
      const doc = parse(xml);
      const value = the(assertionOf(doc), NS.DS, 'SignatureValue');
      const text = value.textContent!.replace(/\s/g, '');
      value.textContent = `${text.slice(0, 10)}${text[10] === 'A' ? 'B' : 'A'}${text.slice(11)}`;
      // The response's own signature is dropped, so only the assertion's (now broken) could vouch.
      const responseSig = Array.from(doc.documentElement.childNodes).find((n) => (n as Element).localName === 'Signature');
      if (responseSig) doc.documentElement.removeChild(responseSig);
      await refused(finish(withResponse(alice, encode(serialize(doc)))), 'invalid_answer', /signature/i);
    });

    test('signature wrapping: an evil assertion around, or beside, the signed one', async () => {
      const xml = decode(alice.form.get('SAMLResponse')!);
      // Beside: the signed assertion stays, an unsigned one naming mallory is added to the response.
      {
        const doc = parse(xml);
        const signed = assertionOf(doc);
        const evil = signed.cloneNode(true) as Element;
        evil.setAttribute('ID', '_evil');
        for (const sig of Array.from(evil.getElementsByTagNameNS(NS.DS, 'Signature'))) evil.removeChild(sig);
        the(evil, NS.SAML, 'NameID').textContent = 'mallory';
        doc.documentElement.insertBefore(evil, signed);
        await refused(finish(withResponse(alice, encode(serialize(doc)))), 'invalid_answer', /multiple assertions|signature/i);
      }
      // Around: the only top-level assertion is mallory's; alice's signed one sits inside it, its signature untouched.
      {
        const doc = parse(xml);
        const responseSig = Array.from(doc.documentElement.childNodes).find((n) => (n as Element).localName === 'Signature');
        if (responseSig) doc.documentElement.removeChild(responseSig);
        const signed = assertionOf(doc);
        const evil = signed.cloneNode(true) as Element;
        evil.setAttribute('ID', '_evil');
        for (const sig of Array.from(evil.getElementsByTagNameNS(NS.DS, 'Signature'))) evil.removeChild(sig);
        the(evil, NS.SAML, 'NameID').textContent = 'mallory';
        doc.documentElement.replaceChild(evil, signed);
        the(evil, NS.SAML, 'Subject').appendChild(signed);
        await refused(finish(withResponse(alice, encode(serialize(doc)))), 'invalid_answer', /signature/i);
      }
      // Around, with the signature moved onto mallory's assertion: it still references alice's, which is not its parent.
      {
        const doc = parse(xml);
        const responseSig = Array.from(doc.documentElement.childNodes).find((n) => (n as Element).localName === 'Signature');
        if (responseSig) doc.documentElement.removeChild(responseSig);
        const signed = assertionOf(doc);
        const signature = the(signed, NS.DS, 'Signature');
        const evil = signed.cloneNode(true) as Element;
        evil.setAttribute('ID', '_evil');
        for (const sig of Array.from(evil.getElementsByTagNameNS(NS.DS, 'Signature'))) evil.removeChild(sig);
        the(evil, NS.SAML, 'NameID').textContent = 'mallory';
        signed.removeChild(signature);
        doc.documentElement.replaceChild(evil, signed);
        evil.insertBefore(signature, the(evil, NS.SAML, 'Subject'));
        the(evil, NS.SAML, 'Subject').appendChild(signed);
        await refused(finish(withResponse(alice, encode(serialize(doc)))), 'invalid_answer', /signature|parent/i);
      }
    });

    test('signed again by the IdP, but for another audience, destination, recipient, issuer or request', async () => {
      const original = alice.form.get('SAMLResponse')!;
      const cases: [string, (doc: Document) => void, RegExp][] = [
        ['audience', (doc) => void (the(doc, NS.SAML, 'Audience').textContent = 'https://other.example/sp'), /audience mismatch/],
        ['destination', (doc) => doc.documentElement.setAttribute('Destination', 'https://other.example/acs'), /Destination/],
        ['no destination', (doc) => doc.documentElement.removeAttribute('Destination'), /Destination/],
        ['recipient', (doc) => setAll(doc, NS.SAML, 'SubjectConfirmationData', 'Recipient', 'https://other.example/acs'), /Recipient/],
        ['issuer', (doc) => void (the(assertionOf(doc), NS.SAML, 'Issuer').textContent = 'https://other.example/idp'), /issuer/],
        ['signed InResponseTo', (doc) => setAll(doc, NS.SAML, 'SubjectConfirmationData', 'InResponseTo', '_another'), /InResponseTo/],
        ['transient NameID', (doc) => the(doc, NS.SAML, 'NameID').setAttribute('Format', 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient'), /transient/],
      ];
      for (const [, change, message] of cases) {
        await refused(finish(withResponse(alice, resigned(original, key, change))), 'invalid_answer', message);
      }
      // Unchanged but signed again, it is accepted: each refusal above is for its own change.
      await expect(finish(withResponse(alice, resigned(original, key)))).resolves.toMatchObject({ idp: 'corp-saml' });
    });

    test('expired, not yet valid, or issued too long ago (60 s of clock skew allowed)', async () => {
      const original = alice.form.get('SAMLResponse')!;
      const now = Date.now();
      const times = (issued: number, notBefore: number, notOnOrAfter: number) => (doc: Document) => {
        assertionOf(doc).setAttribute('IssueInstant', iso(issued));
        setAll(doc, NS.SAML, 'Conditions', 'NotBefore', iso(notBefore));
        setAll(doc, NS.SAML, 'Conditions', 'NotOnOrAfter', iso(notOnOrAfter));
        setAll(doc, NS.SAML, 'SubjectConfirmationData', 'NotOnOrAfter', iso(notOnOrAfter));
      };
      // The bearer confirmation's window and the conditions' window are each checked.
      await refused(finish(withResponse(alice, resigned(original, key, times(now - 600_000, now - 600_000, now - 90_000)))), 'invalid_answer', /no valid subject confirmation/i);
      await refused(finish(withResponse(alice, resigned(original, key, times(now - 2 * 3600_000, now - 2 * 3600_000, now + 600_000)))), 'invalid_answer', /no valid subject confirmation/i);
      const conditions = (notBefore: number, notOnOrAfter: number) => (doc: Document) => {
        setAll(doc, NS.SAML, 'Conditions', 'NotBefore', iso(notBefore));
        setAll(doc, NS.SAML, 'Conditions', 'NotOnOrAfter', iso(notOnOrAfter));
      };
      await refused(finish(withResponse(alice, resigned(original, key, conditions(now - 600_000, now - 90_000)))), 'invalid_answer', /assertion expired/);
      await refused(finish(withResponse(alice, resigned(original, key, conditions(now + 120_000, now + 600_000)))), 'invalid_answer', /not yet valid/);
      // Within the skew: expired 30 s ago by the IdP's clock.
      await expect(finish(withResponse(alice, resigned(original, key, times(now - 300_000, now - 300_000, now - 30_000))))).resolves.toMatchObject({ idp: 'corp-saml' });
    });

    test('signed by a key that is not the IdP’s', async () => {
      const { execFileSync } = await import('node:child_process');
      const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const dir = mkdtempSync(join(tmpdir(), 'saml-other-key-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'c'), '-days', '1', '-subj', '/CN=mallory'], { stdio: 'ignore' });
      const other = { privateKey: readFileSync(join(dir, 'k'), 'utf8'), certificate: readFileSync(join(dir, 'c'), 'utf8') };
      rmSync(dir, { recursive: true, force: true });
      await refused(finish(withResponse(alice, resigned(alice.form.get('SAMLResponse')!, other))), 'invalid_answer', /signature/i);
    });

    test('the IdP says Responder / AuthnFailed: denied, not broken', async () => {
      const doc = parse(decode(alice.form.get('SAMLResponse')!));
      unsigned(doc);
      doc.documentElement.removeChild(assertionOf(doc));
      const status = the(doc, NS.SAMLP, 'StatusCode');
      status.setAttribute('Value', 'urn:oasis:names:tc:SAML:2.0:status:Responder');
      const inner = doc.createElementNS(NS.SAMLP, 'samlp:StatusCode');
      inner.setAttribute('Value', 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed');
      status.appendChild(inner);
      await refused(finish(withResponse(alice, encode(serialize(doc)))), 'denied', /Responder/);
      // And signed, the same.
      await refused(finish(withResponse(alice, encode(sign(serialize(doc), 'response', key)))), 'denied', /Responder/);
    });

    test('too large, or not a SAMLResponse at all', async () => {
      await refused(finish(withResponse(alice, 'A'.repeat(256 * 1024 + 4))), 'invalid_answer', /longer than/);
      await refused(finish(withResponse(alice, encode('<not-saml/>'))), 'invalid_answer', /refused/);
      await refused(finish(withResponse(alice, encode('<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'))), 'invalid_answer', /refused/);
      await refused(finish({ ...alice, form: new URLSearchParams({ RelayState: alice.pendingId }) }), 'invalid_answer', /no SAMLResponse/);
    });
  });
});
