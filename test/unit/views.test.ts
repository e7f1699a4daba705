import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { languageLinks } from '../../src/pages/page-locale.js';
import { loadViews, themeCss, VIEWS_DIR, type PageName } from '../../src/pages/views.js';
import type { Branding } from '../../src/config/branding.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LOGO_FILE = join(ROOT, 'config', 'logo.svg');
const APP_CSS = readFileSync(join(VIEWS_DIR, 'assets', 'app.css'), 'utf8');

const plainBranding: Branding = { productName: 'Sign-in', logo: undefined, primaryColor: '#1f5fbf', footerLinks: [] };
const brandedBranding: Branding = {
  productName: { en: 'Acme Sign-in', 'zh-CN': 'Acme 统一登录' },
  logo: { file: LOGO_FILE, contentType: 'image/svg+xml' },
  primaryColor: '#123456',
  footerLinks: [
    { label: { en: 'Help', 'zh-CN': '帮助' }, href: 'https://example.com/help?a=1&b=2' },
    { label: 'Status', href: 'https://status.example.com/' },
  ],
};

const views = loadViews(plainBranding);
const en = views.locale('en');
const zh = views.locale('zh-CN');
const branded = loadViews(brandedBranding);
const XSS = '<script>alert(1)</script>';
const XSS_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('loadViews', () => {
  test('the project views, with a locale per supported language', () => {
    expect(VIEWS_DIR).toBe(join(ROOT, 'views'));
    expect(en.lang).toBe('en');
    expect(zh.lang).toBe('zh-CN');
    expect(en.t('login.title')).toBe('Sign in');
    expect(zh.t('login.title')).toBe('登录');
  });

  test('the same Locale object each time a language is asked for', () => {
    expect(views.locale('en')).toBe(en);
    expect(views.locale('zh-CN')).toBe(zh);
  });

  test('css is app.css followed by the brand colour', () => {
    expect(themeCss('#1f5fbf')).toBe(':root{--primary:#1f5fbf}\n');
    expect(views.css).toBe(APP_CSS + ':root{--primary:#1f5fbf}\n');
    expect(branded.css.startsWith(APP_CSS)).toBe(true);
    expect(branded.css.endsWith(':root{--primary:#123456}\n')).toBe(true);
  });

  test('no logo without one configured', () => {
    expect(views.logo).toBeUndefined();
  });

  test('a configured logo is read once, with its content type', () => {
    expect(branded.logo?.contentType).toBe('image/svg+xml');
    expect(branded.logo?.body.equals(readFileSync(LOGO_FILE))).toBe(true);
    expect(branded.logo?.body.toString('utf8').startsWith('<svg')).toBe(true);
  });

  test('a missing logo file fails at load', () => {
    expect(() => loadViews({ ...plainBranding, logo: { file: join(ROOT, 'config', 'no-such-logo.png'), contentType: 'image/png' } })).toThrow(
      /ENOENT/,
    );
  });
});

describe('login page', () => {
  const html = views.render('login', en, {
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
    expect(html).toContain('<span class="product">Sign-in</span>');
    expect(html).toContain('<h1>Sign in</h1>');
    expect(html).toContain('<p class="lead">to continue to My App</p>');
    expect(html).toContain('<button class="primary" type="submit">Sign in</button>');
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

  test('without branding: no logo, no footer links, and no language switch when no links are given', () => {
    expect(html).not.toContain('<img');
    expect(html).toContain('<footer class="footer"></footer>');
    expect(html).not.toContain('<nav');
  });

  test('with a known username and an error: focuses the password and links the error', () => {
    const retry = views.render('login', en, {
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
    const evil = views.render('login', en, { title: 'Sign in', client: { name: XSS }, uid: 'u', csrf: 't', username: '' });
    expect(evil).toContain(`to continue to ${XSS_ESCAPED}`);
    expect(evil).not.toContain(XSS);
  });

  test('HTML-escapes the title, username, error and CSRF values', () => {
    const evil = views.render('login', en, {
      title: XSS,
      client: { name: 'App' },
      uid: 'u',
      csrf: '"><script>x</script>',
      username: '"><img src=x onerror=alert(1)>',
      error: XSS,
    });
    expect(evil).toContain(`<title>${XSS_ESCAPED} · Sign-in</title>`);
    expect(evil).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(evil).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
    expect(evil).toContain(`role="alert">${XSS_ESCAPED}</p>`);
    expect(evil).not.toContain('<script>');
    expect(evil).not.toContain('<img');
  });

  test('without a client, no lead line', () => {
    const bare = views.render('login', en, { title: 'Sign in', uid: 'u', csrf: 't', username: '' });
    expect(bare).not.toContain('class="lead"');
  });

  test('in zh-CN: lang="zh-CN" and Chinese strings', () => {
    const chinese = views.render('login', zh, { title: zh.t('login.title'), client: { name: 'My App' }, uid: 'u', csrf: 't', username: '' });
    expect(chinese.startsWith('<!DOCTYPE html><html lang="zh-CN">')).toBe(true);
    expect(chinese).toContain('<title>登录 · Sign-in</title>');
    expect(chinese).toContain('<h1>登录</h1>');
    expect(chinese).toContain('<p class="lead">以继续访问 My App</p>');
    expect(chinese).toContain('<label for="username">用户名</label>');
    expect(chinese).toContain('<label for="password">密码</label>');
    expect(chinese).toContain('<span>在此设备上保持登录</span>');
    expect(chinese).toContain('<button class="primary" type="submit">登录</button>');
    expect(chinese).toContain('<button class="link" type="submit">取消</button>');
    expect(chinese).not.toContain('Username');
  });
});

describe('branding and the language switch', () => {
  const render = (lang: 'en' | 'zh-CN') => {
    const locale = branded.locale(lang);
    return branded.render(
      'login',
      locale,
      { title: locale.t('login.title'), client: { name: 'App' }, uid: 'abc', csrf: 't', username: '' },
      languageLinks(branded, '/interaction/abc', lang),
    );
  };
  const enHtml = render('en');
  const zhHtml = render('zh-CN');

  test('the product name is localized per language', () => {
    expect(enHtml).toContain('<title>Sign in · Acme Sign-in</title>');
    expect(enHtml).toContain('<span class="product">Acme Sign-in</span>');
    expect(zhHtml).toContain('<title>登录 · Acme 统一登录</title>');
    expect(zhHtml).toContain('<span class="product">Acme 统一登录</span>');
  });

  test('the logo is shown from /assets/logo', () => {
    expect(enHtml).toContain('<img class="logo" src="/assets/logo" alt="" width="40" height="40">');
  });

  test('footer links: localized labels, escaped hrefs, plain-string labels the same in every language', () => {
    expect(enHtml).toContain(
      '<nav aria-label="Acme Sign-in"><ul class="links">' +
        '<li><a href="https://example.com/help?a=1&amp;b=2" rel="noopener noreferrer">Help</a></li>' +
        '<li><a href="https://status.example.com/" rel="noopener noreferrer">Status</a></li></ul></nav>',
    );
    expect(zhHtml).toContain('<li><a href="https://example.com/help?a=1&amp;b=2" rel="noopener noreferrer">帮助</a></li>');
    expect(zhHtml).toContain('<li><a href="https://status.example.com/" rel="noopener noreferrer">Status</a></li>');
  });

  test('languageLinks: one link per language, labelled in that language, the current one marked', () => {
    expect(languageLinks(branded, '/interaction/abc', 'en')).toEqual([
      { lang: 'en', label: 'English', href: '/interaction/abc?lang=en', current: true },
      { lang: 'zh-CN', label: '简体中文', href: '/interaction/abc?lang=zh-CN', current: false },
    ]);
    expect(languageLinks(branded, '/x', 'zh-CN').map((link) => link.current)).toEqual([false, true]);
  });

  test('in English: English is current, Chinese is a link', () => {
    expect(enHtml).toContain(
      '<nav aria-label="Language"><ul class="links">' +
        '<li><span lang="en" aria-current="true">English</span></li>' +
        '<li><a href="/interaction/abc?lang=zh-CN" lang="zh-CN" hreflang="zh-CN">简体中文</a></li></ul></nav>',
    );
    expect(count(enHtml, 'aria-current')).toBe(1);
  });

  test('in Chinese: Chinese is current, English is a link', () => {
    expect(zhHtml).toContain(
      '<nav aria-label="语言"><ul class="links">' +
        '<li><a href="/interaction/abc?lang=en" lang="en" hreflang="en">English</a></li>' +
        '<li><span lang="zh-CN" aria-current="true">简体中文</span></li></ul></nav>',
    );
    expect(count(zhHtml, 'aria-current')).toBe(1);
  });

  test('a product name and footer label with markup are escaped', () => {
    const evil = loadViews({ ...plainBranding, productName: XSS, footerLinks: [{ label: XSS, href: 'https://example.com/' }] });
    const html = evil.render('logged-out', evil.locale('en'), { title: 'Signed out' });
    expect(html).toContain(`<title>Signed out · ${XSS_ESCAPED}</title>`);
    expect(html).toContain(`<span class="product">${XSS_ESCAPED}</span>`);
    expect(html).toContain(`<nav aria-label="${XSS_ESCAPED}">`);
    expect(html).toContain(`rel="noopener noreferrer">${XSS_ESCAPED}</a>`);
    expect(html).not.toContain(XSS);
  });
});

describe('other pages', () => {
  test('consent lists the scopes and escapes the client name', () => {
    const html = views.render('consent', en, {
      title: 'Allow access?',
      client: { id: 'a b/c', name: XSS, uri: 'https://rp.example.test', policyUri: 'https://rp.example.test/privacy' },
      uid: 'uid-2',
      csrf: 'tok',
      username: 'alice',
      scopes: [
        { name: 'Your email address', description: 'The email address of alice.', claims: 'email address, whether the email is verified' },
        { name: 'custom', description: '', claims: '' },
      ],
    });
    expect(html).toContain(`<p class="lead">${XSS_ESCAPED} wants to use your account alice for:</p>`);
    expect(html).toContain('<img class="avatar" src="/assets/client-logo/a%20b%2Fc" alt="" width="48" height="48">');
    expect(html).toContain(
      '<li><strong>Your email address</strong><span>The email address of alice.</span>' +
        '<small>Shares: email address, whether the email is verified</small></li>',
    );
    expect(html).toContain('<li><strong>custom</strong><span></span></li>');
    expect(html).toContain('action="/interaction/uid-2/confirm"');
    expect(count(html, '<input type="hidden" name="csrf" value="tok">')).toBe(2);
    expect(html).toContain('<a href="https://rp.example.test" rel="noopener noreferrer">Website</a>');
    expect(html).toContain('<a href="https://rp.example.test/privacy" rel="noopener noreferrer">Privacy policy</a>');
    expect(html).not.toContain('Terms of service');
    expect(html).not.toContain(XSS);
  });

  test('consent in zh-CN', () => {
    const html = views.render('consent', zh, {
      title: zh.t('consent.title'),
      client: { name: 'My App', initial: 'M' },
      uid: 'u',
      csrf: 't',
      username: 'alice',
      scopes: [{ name: '电子邮箱地址', description: 'alice 的电子邮箱地址。', claims: '电子邮箱地址、邮箱是否已验证' }],
    });
    expect(html.startsWith('<!DOCTYPE html><html lang="zh-CN">')).toBe(true);
    expect(html).toContain('<h1>是否允许访问？</h1>');
    expect(html).toContain('<p class="lead">My App 请求使用您的账户 alice 访问以下内容：</p>');
    expect(html).toContain('<small>共享：电子邮箱地址、邮箱是否已验证</small>');
    expect(html).toContain('<button class="primary" type="submit">允许</button>');
    expect(html).toContain('<button class="secondary" type="submit">拒绝</button>');
    expect(html).not.toContain('client-links');
  });

  test('select-account offers to continue as the user or switch, escaping the client and user', () => {
    const html = views.render('select-account', en, {
      title: 'Choose an account',
      client: { name: XSS },
      uid: 'uid-3',
      csrf: 'tok',
      username: '<b>alice</b>',
    });
    expect(html).toContain(`<p class="lead">to continue to ${XSS_ESCAPED}</p>`);
    expect(html).toContain('Continue as &lt;b&gt;alice&lt;/b&gt;');
    expect(html).toContain('action="/interaction/uid-3/continue"');
    expect(html).toContain('action="/interaction/uid-3/switch"');
    expect(count(html, '<input type="hidden" name="csrf" value="tok">')).toBe(2);
    expect(html).toContain('Use another account');
    expect(html).not.toContain(XSS);
  });

  test('select-account in zh-CN', () => {
    const html = views.render('select-account', zh, { title: zh.t('select.title'), client: { name: 'App' }, uid: 'u', csrf: 't', username: 'alice' });
    expect(html).toContain('<h1>选择账户</h1>');
    expect(html).toContain('以 alice 的身份继续');
    expect(html).toContain('使用其他账户');
  });

  test('error shows message and code, escaped', () => {
    const html = views.render('error', en, { title: 'Something went wrong', message: `bad ${XSS}`, code: 'invalid_request' });
    expect(html).toContain(`<p class="lead">bad ${XSS_ESCAPED}</p>`);
    expect(html).toContain('<p class="meta">Error code: <code>invalid_request</code></p>');
    expect(html).not.toContain(XSS);
  });

  test('error details are escaped and labelled in the page language', () => {
    const html = views.render('error', zh, { title: '出现了问题', message: 'm', code: 'c', details: XSS });
    expect(html).toContain('<p class="meta">错误代码: <code>c</code></p>');
    expect(html).toContain(`<details><summary>详细信息</summary><p class="meta">${XSS_ESCAPED}</p></details>`);
    expect(html).not.toContain(XSS);
  });

  test('error without a code has no code line', () => {
    const html = views.render('error', en, { title: 'Page not found', message: 'There is nothing at this address.' });
    expect(html).not.toContain('Error code');
    expect(html).not.toContain('<details>');
  });

  test('logout embeds oidc-provider form as is, and buttons submit it', () => {
    const form = '<form id="op.logoutForm" method="post" action="/session/end/confirm"><input type="hidden" name="xsrf" value="abc"/></form>';
    const html = views.render('logout', en, { title: 'Sign out', host: 'op.example.test', form });
    expect(html).toContain(form);
    expect(html).toContain('<p class="lead">Do you want to sign out of op.example.test?</p>');
    expect(count(html, 'form="op.logoutForm"')).toBe(2);
    expect(html).toContain('name="logout" value="yes"');
  });

  test('logout escapes the host', () => {
    const html = views.render('logout', en, { title: 'Sign out', host: XSS, form: '' });
    expect(html).toContain(`<p class="lead">Do you want to sign out of ${XSS_ESCAPED}?</p>`);
    expect(html).not.toContain(XSS);
  });

  test('logged-out', () => {
    const html = views.render('logged-out', en, { title: 'Signed out' });
    expect(html).toContain('<h1>Signed out</h1>');
    expect(html).toContain('You have signed out. You can close this window.');
  });

  test('logged-out in zh-CN', () => {
    const html = views.render('logged-out', zh, { title: zh.t('loggedOut.title') });
    expect(html).toContain('<h1>已退出登录</h1>');
    expect(html).toContain('您已退出登录，可以关闭此窗口。');
  });

  test.each<[PageName, Record<string, unknown> & { title: string }]>([
    ['login', { title: 't', client: { name: 'c' }, uid: 'u', csrf: 'x', username: '' }],
    ['consent', { title: 't', client: { name: 'c', initial: 'C' }, uid: 'u', csrf: 'x', username: 'a', scopes: [] }],
    ['select-account', { title: 't', client: { name: 'c' }, uid: 'u', csrf: 'x', username: 'a' }],
    ['error', { title: 't', message: 'm' }],
    ['logout', { title: 't', host: 'h', form: '' }],
    ['logged-out', { title: 't' }],
  ])('%s carries the lang attribute and the language switch', (page, locals) => {
    const html = views.render(page, zh, locals, languageLinks(views, '/p', 'zh-CN'));
    expect(html.startsWith('<!DOCTYPE html><html lang="zh-CN">')).toBe(true);
    expect(html).toContain('<span lang="zh-CN" aria-current="true">简体中文</span>');
    expect(html).toContain('<a href="/p?lang=en" lang="en" hreflang="en">English</a>');
  });
});
