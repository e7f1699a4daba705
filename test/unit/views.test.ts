import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadViews, VIEWS_DIR } from '../../src/interactions/views.js';

const SRC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');
const views = loadViews();
const XSS = '<script>alert(1)</script>';

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('loadViews', () => {
  test('defaults to English and the project views', () => {
    expect(views.lang).toBe('en');
    expect(VIEWS_DIR).toBe(join(SRC_DIR, '..', 'views'));
    expect(views.t('product')).toBe('Sign-in');
    expect(views.css).toBe(readFileSync(join(VIEWS_DIR, 'assets', 'app.css'), 'utf8'));
  });
});

describe('login page', () => {
  const html = views.render('login', {
    title: 'Sign in',
    client: { name: 'My App' },
    uid: 'uid-1',
    csrf: 'csrf-token-123',
    username: '',
    error: undefined,
  });

  test('is an HTML document in the page language', () => {
    expect(html.startsWith('<!DOCTYPE html><html lang="en">')).toBe(true);
    expect(html).toContain('<title>Sign in · Sign-in</title>');
    expect(html).toContain('<h1>Sign in</h1>');
    expect(html).toContain('<p class="lead">to continue to My App</p>');
  });

  test('labels the username and password fields', () => {
    expect(html).toContain('<label for="username">Username</label>');
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toMatch(/<input id="username" type="text" name="username"/);
    expect(html).toMatch(/<input id="password" type="password" name="password" autocomplete="current-password"/);
  });

  test('carries the CSRF token in both forms', () => {
    expect(count(html, '<input type="hidden" name="csrf" value="csrf-token-123">')).toBe(2);
    expect(html).toContain('action="/interaction/uid-1/login"');
    expect(html).toContain('action="/interaction/uid-1/abort"');
  });

  test('focuses the username when none is known, and shows no error', () => {
    expect(html).toMatch(/<input id="username"[^>]* autofocus[ >]/);
    expect(html).not.toMatch(/<input id="password"[^>]* autofocus[ >]/);
    expect(html).not.toContain('role="alert"');
    expect(html).not.toContain('aria-describedby');
  });

  test('with a known username and an error: focuses the password and links the error', () => {
    const retry = views.render('login', {
      title: 'Sign in',
      client: { name: 'My App' },
      uid: 'uid-1',
      csrf: 't',
      username: 'alice',
      error: 'The username or password is incorrect.',
    });
    expect(retry).toContain('<p class="error" id="form-error" role="alert">The username or password is incorrect.</p>');
    expect(retry).toContain('value="alice"');
    expect(retry).toMatch(/<input id="password"[^>]* autofocus[ >]/);
    expect(count(retry, 'aria-describedby="form-error"')).toBe(2);
  });

  test('HTML-escapes the client name', () => {
    const evil = views.render('login', { title: 'Sign in', client: { name: XSS }, uid: 'u', csrf: 't', username: '' });
    expect(evil).toContain('to continue to &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(evil).not.toContain(XSS);
  });

  test('HTML-escapes the username, error and CSRF values', () => {
    const evil = views.render('login', {
      title: 'Sign in',
      client: { name: 'App' },
      uid: 'u',
      csrf: '"><script>x</script>',
      username: '"><img src=x onerror=alert(1)>',
      error: XSS,
    });
    expect(evil).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(evil).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
    expect(evil).toContain('role="alert">&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(evil).not.toContain('<script>');
    expect(evil).not.toContain('<img');
  });

  test('without a client, no lead line', () => {
    const bare = views.render('login', { title: 'Sign in', uid: 'u', csrf: 't', username: '' });
    expect(bare).not.toContain('class="lead"');
  });
});

describe('other pages', () => {
  test('consent lists the scopes and escapes the client name', () => {
    const html = views.render('consent', {
      title: 'Allow access?',
      client: { name: XSS, uri: 'https://rp.example.test', policyUri: 'https://rp.example.test/privacy' },
      uid: 'uid-2',
      csrf: 'tok',
      username: 'alice',
      scopes: [{ name: 'Email address', description: 'Your email address and whether it is verified.' }],
    });
    expect(html).toContain('<p class="lead">&lt;script&gt;alert(1)&lt;/script&gt; asks to use your account alice for:</p>');
    expect(html).toContain('<li><strong>Email address</strong><span>Your email address and whether it is verified.</span></li>');
    expect(html).toContain('action="/interaction/uid-2/confirm"');
    expect(count(html, '<input type="hidden" name="csrf" value="tok">')).toBe(2);
    expect(html).toContain('<a href="https://rp.example.test/privacy" rel="noopener noreferrer">Privacy policy</a>');
    expect(html).not.toContain('Terms of service');
    expect(html).not.toContain(XSS);
  });

  test('select-account offers to continue as the user or switch', () => {
    const html = views.render('select-account', {
      title: 'Choose an account',
      client: { name: 'App' },
      uid: 'uid-3',
      csrf: 'tok',
      username: '<b>alice</b>',
    });
    expect(html).toContain('Continue as &lt;b&gt;alice&lt;/b&gt;');
    expect(html).toContain('action="/interaction/uid-3/continue"');
    expect(html).toContain('action="/interaction/uid-3/switch"');
    expect(html).toContain('Use another account');
  });

  test('error shows message and code, escaped', () => {
    const html = views.render('error', { title: 'Something went wrong', message: `bad ${XSS}`, code: 'invalid_request' });
    expect(html).toContain('<p class="lead">bad &lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(html).toContain('<p class="meta">Error code: <code>invalid_request</code></p>');
  });

  test('error without a code has no code line', () => {
    const html = views.render('error', { title: 'Page not found', message: 'There is nothing at this address.' });
    expect(html).not.toContain('Error code');
  });

  test('logout embeds oidc-provider form as is, and buttons submit it', () => {
    const form = '<form id="op.logoutForm" method="post" action="/session/end/confirm"><input type="hidden" name="xsrf" value="abc"/></form>';
    const html = views.render('logout', { title: 'Sign out', host: 'op.example.test', form });
    expect(html).toContain(form);
    expect(html).toContain('<p class="lead">Do you want to sign out of op.example.test?</p>');
    expect(count(html, 'form="op.logoutForm"')).toBe(2);
    expect(html).toContain('name="logout" value="yes"');
  });

  test('logged-out', () => {
    const html = views.render('logged-out', { title: 'Signed out' });
    expect(html).toContain('<h1>Signed out</h1>');
    expect(html).toContain('You have signed out. You can close this window.');
  });
});

describe('locale keys', () => {
  const en = JSON.parse(readFileSync(join(VIEWS_DIR, 'locales', 'en.json'), 'utf8')) as Record<string, string>;
  // t('key') and t('key', { ... }): the key is the first argument either way.
  const keysIn = (text: string) => [...text.matchAll(/\bt\('([^']+)'/g)].map((m) => m[1] as string);

  test('every key the templates use exists in en.json', () => {
    const pugFiles = readdirSync(VIEWS_DIR).filter((f) => f.endsWith('.pug'));
    expect(pugFiles).toEqual(expect.arrayContaining(['layout.pug', 'login.pug', 'consent.pug', 'logout.pug']));
    const used = new Set(pugFiles.flatMap((f) => keysIn(readFileSync(join(VIEWS_DIR, f), 'utf8'))));
    expect(used.size).toBeGreaterThanOrEqual(15);
    expect(used).toContain('login.username');
    expect(used).toContain('login.lead');
    expect([...used].filter((key) => !(key in en))).toEqual([]);
  });

  test('every key the TypeScript sources use exists in en.json', () => {
    const files = readdirSync(SRC_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const used = new Set(files.flatMap((f) => keysIn(readFileSync(join(SRC_DIR, f), 'utf8'))));
    expect(used).toContain('login.title');
    expect([...used].filter((key) => !(key in en))).toEqual([]);
  });

  test('en.json holds strings only', () => {
    expect(Object.values(en).every((v) => typeof v === 'string' && v.length > 0)).toBe(true);
  });
});
