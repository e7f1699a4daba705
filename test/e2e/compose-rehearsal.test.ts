/**
 * Issue 5: "`docker compose up` then opening the app's URL signs in end to end", rehearsed without a container
 * engine (test/support/compose-stack.ts says how each part of docker-compose.yml and the Dockerfile is imitated):
 * the images' file trees staged from the Dockerfile's COPY lines with a real `npm ci --omit=dev`, the three
 * services in their own network namespaces under their compose names and ports, started in depends_on order,
 * then Chromium on the "machine" side opens http://localhost:4000/ and signs in as the demo user. Needs root.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { decodeRecord } from '../../src/storage/compact-records.js';
import { CHROMIUM, useBrowser } from '../support/browser.js';
import { composeUp, type ComposeStack } from '../support/compose-stack.js';
import { Teardown } from '../support/teardown.js';

const ROOT = join(import.meta.dirname, '..', '..');
const APP = 'http://localhost:4000/'; // docker-compose.yml: "then open http://localhost:4000/"
const ISSUER = 'http://localhost:3000';
const demo = JSON.parse(readFileSync(join(ROOT, 'config', 'demo.json'), 'utf8')) as { users: { sub: string; username: string; password: string }[] };
const alice = demo.users.find((u) => u.username === 'alice')!;

const teardown = new Teardown();
let dir: string;
let stack: ComposeStack;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oidc-op-compose-'));
  teardown.add(() => rmSync(dir, { recursive: true, force: true }));
  stack = await composeUp(ROOT, dir, teardown);
  // As someone watching `docker compose up` would: open the app once it says it is listening.
  await stack.logged('spa', 'example app ');
}, 300_000);

// Chromium runs inside the namespace standing for the machine that ran `docker compose up`.
const browser = useBrowser({
  executable: () => {
    if (!stack) throw new Error('no browser: the stack did not come up');
    return stack.network.wrap(CHROMIUM, dir);
  },
});

afterAll(() => teardown.run(), 60_000);

const redisGet = async (key: string) => {
  const { code, output } = await stack.exec('redis', ['redis-cli', '--raw', 'GET', key]);
  expect(code).toBe(0);
  return output.trim();
};

describe('docker compose up, rehearsed', () => {
  let sessionKey: string;

  test('redis, then the provider once redis is healthy, then the app once the provider is healthy', () => {
    expect(stack.events).toEqual(['redis started', 'redis healthy', 'provider started', 'provider healthy', 'spa started']);
  });

  test("opening the app's URL signs in as alice through the provider's pages; the app shows her claims", async () => {
    const page = await browser.page();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(APP);
    await page.locator('#status', { hasText: 'Not signed in.' }).waitFor();

    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.origin === ISSUER && url.pathname.startsWith('/interaction/'));
    await page.getByLabel('Username').fill(alice.username);
    await page.getByLabel('Password').fill(alice.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();

    await page.waitForURL(APP);
    await page.locator('#userinfo:not(:empty)').waitFor();
    await expect(page.locator('#status').textContent()).resolves.toBe(`Signed in as ${alice.sub}.`);
    const idToken = JSON.parse((await page.locator('#id-token-claims').textContent())!);
    expect(idToken).toMatchObject({ iss: ISSUER, sub: alice.sub, aud: 'demo-spa' });
    expect(typeof idToken.nonce).toBe('string');
    expect(typeof idToken.at_hash).toBe('string');
    const userinfo = JSON.parse((await page.locator('#userinfo').textContent())!);
    expect(userinfo).toMatchObject({ sub: alice.sub, name: 'Alice Liddell', email: 'alice@example.com' });
    expect(errors).toEqual([]);
    await browser.screenshot(page, 'compose-rehearsal-signed-in');

    // The session behind the provider's cookie is in the stack's Redis (`docker compose exec redis redis-cli ...`):
    // alice's, holding the sid her ID token carries.
    const cookie = (await page.context().cookies(ISSUER)).find((c) => c.name === '_session');
    expect(cookie).toBeDefined();
    sessionKey = `oidc:Session:{${cookie!.value}}`;
    const session = decodeRecord('Session', cookie!.value, await redisGet(sessionKey));
    expect(session).toMatchObject({ accountId: alice.sub, authorizations: { 'demo-spa': { sid: idToken.sid } } });

    // The provider says it is ready, seen from the machine's side like the app.
    const ready = await page.goto(`${ISSUER}/readyz`);
    expect(ready?.status()).toBe(200);
    expect(await ready?.json()).toEqual({ status: 'ready', checks: { redis: 'ok', keys: 'ok' } });
  }, 90_000);

  test('docker compose down: every service stops on SIGTERM with exit 0, and the session is in the redis-data volume', async () => {
    expect(sessionKey).toBeDefined();
    expect(await stack.down()).toEqual({ spa: 0, provider: 0, redis: 0 });
    const aof = join(stack.volume('redis-data'), 'appendonlydir');
    const logged = readdirSync(aof)
      .filter((f) => f.endsWith('.aof'))
      .map((f) => readFileSync(join(aof, f), 'utf8'))
      .join('');
    expect(logged).toContain(sessionKey);
  }, 60_000);
});
