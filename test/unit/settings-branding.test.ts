import { describe, expect, test } from '@jest/globals';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useConfigDirs } from '../support/config-dir.js';
import { contrastWithWhite } from '../../src/config/branding.js';
import { scopeConfigSchema } from '../../src/config/scope-schema.js';
import { loadSettings, type Settings } from '../../src/config/settings.js';
import { SettingsError } from '../../src/config/settings-error.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LOGO_SVG = join(ROOT, 'config', 'logo.svg');

const configDir = useConfigDirs();

// DEMO=false: these directories hold no demo.json.
const load = (dir: string): Settings => loadSettings({ CONFIG_DIR: dir, DEMO: 'false' });

/** The message of the SettingsError loadSettings throws for dir; fails the test when it does not throw one. */
function settingsMessage(dir: string): string {
  try {
    load(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    return (err as SettingsError).message;
  }
  throw new Error(`loadSettings accepted ${dir}`);
}

const scope = (overrides: Record<string, unknown> = {}) => ({
  id: 'openid',
  name: { en: 'Your identity', 'zh-CN': '您的身份' },
  description: 'Lets {client_name} know it is you.',
  ...overrides,
});

describe('contrastWithWhite', () => {
  test('white on white is 1:1, white on black is 21:1', () => {
    expect(contrastWithWhite('#ffffff')).toBeCloseTo(1, 1);
    expect(contrastWithWhite('#FFFFFF')).toBeCloseTo(1, 1);
    expect(contrastWithWhite('#000000')).toBeCloseTo(21, 1);
  });

  test('known WCAG ratios', () => {
    expect(contrastWithWhite('#1f5fbf').toFixed(1)).toBe('6.1');
    expect(contrastWithWhite('#767676').toFixed(1)).toBe('4.5');
    expect(contrastWithWhite('#ffcc00').toFixed(1)).toBe('1.5');
  });
});

describe('branding.json', () => {
  test('without branding.json: the default product name and colour, no logo, no footer links', () => {
    expect(load(configDir()).branding).toEqual({ productName: 'Sign-in', logo: undefined, primaryColor: '#1f5fbf', footerLinks: [] });
  });

  test('an empty object is the defaults too', () => {
    expect(load(configDir({ 'branding.json': {} })).branding).toEqual({
      productName: 'Sign-in',
      logo: undefined,
      primaryColor: '#1f5fbf',
      footerLinks: [],
    });
  });

  test('the project config: localized name, the SVG logo, no footer links (nothing of a placeholder site in production)', () => {
    const branding = load(join(ROOT, 'config')).branding;
    expect(branding.productName).toEqual({ en: 'oidc-op Sign-in', 'zh-CN': 'oidc-op 统一登录' });
    expect(branding.logo).toEqual({ file: LOGO_SVG, contentType: 'image/svg+xml' });
    expect(branding.primaryColor).toBe('#1f5fbf');
    expect(branding.footerLinks).toEqual([]);
  });

  test('a full branding.json is read, with the logo path resolved in the config directory', () => {
    const dir = configDir({
      'branding.json': {
        productName: { en: 'Acme', 'zh-CN': 'Acme 登录' },
        logo: 'brand/logo.svg',
        primaryColor: '#0B57D0',
        footerLinks: [{ label: 'Help', href: 'https://acme.example/help' }],
      },
    });
    mkdirSync(join(dir, 'brand'));
    copyFileSync(LOGO_SVG, join(dir, 'brand', 'logo.svg'));
    expect(load(dir).branding).toEqual({
      productName: { en: 'Acme', 'zh-CN': 'Acme 登录' },
      logo: { file: join(dir, 'brand', 'logo.svg'), contentType: 'image/svg+xml' },
      primaryColor: '#0B57D0',
      footerLinks: [{ label: 'Help', href: 'https://acme.example/help' }],
    });
  });

  test.each([
    ['logo.png', 'image/png'],
    ['logo.PNG', 'image/png'],
    ['logo.jpg', 'image/jpeg'],
    ['logo.jpeg', 'image/jpeg'],
    ['logo.webp', 'image/webp'],
  ])('a %s logo is served as %s', (name, contentType) => {
    const dir = configDir({ 'branding.json': { logo: name }, [name]: 'not really an image' });
    expect(load(dir).branding.logo).toEqual({ file: join(dir, name), contentType });
  });

  test('a low-contrast colour is refused, naming the file, primaryColor and the ratio', () => {
    const dir = configDir({ 'branding.json': { primaryColor: '#ffcc00' } });
    expect(settingsMessage(dir)).toBe(
      `${join(dir, 'branding.json')} primaryColor: white text on #ffcc00 has contrast 1.51:1; WCAG AA needs 4.5:1`,
    );
  });

  test('a colour just below 4.5:1 is refused, one at 4.5:1 accepted', () => {
    expect(settingsMessage(configDir({ 'branding.json': { primaryColor: '#777777' } }))).toMatch(
      /primaryColor: white text on #777777 has contrast 4\.\d+:1; WCAG AA needs 4\.5:1$/,
    );
    expect(contrastWithWhite('#777777')).toBeLessThan(4.5);
    expect(load(configDir({ 'branding.json': { primaryColor: '#767676' } })).branding.primaryColor).toBe('#767676');
  });

  test.each(['blue', '#fff', '1f5fbf', '#1f5fbg', 'rgb(0,0,0)', '#1f5fbf00'])('the colour %s is not #rrggbb', (colour) => {
    const dir = configDir({ 'branding.json': { primaryColor: colour } });
    expect(settingsMessage(dir)).toContain(`${join(dir, 'branding.json')} primaryColor: a colour as #rrggbb`);
  });

  test('a logo file that does not exist is named', () => {
    const dir = configDir({ 'branding.json': { logo: 'missing.png' } });
    expect(settingsMessage(dir)).toBe(`${join(dir, 'branding.json')} logo: ${join(dir, 'missing.png')} does not exist`);
  });

  test.each(['../logo.svg', 'brand/../../logo.svg', '..'])('a logo path %s leaving the config directory is refused', (logo) => {
    const dir = configDir({ 'branding.json': { logo } });
    expect(settingsMessage(dir)).toContain(`${join(dir, 'branding.json')} logo: `);
  });

  test('the ".." refusal says why', () => {
    const dir = configDir({ 'branding.json': { logo: '../logo.svg' } });
    expect(settingsMessage(dir)).toBe(`${join(dir, 'branding.json')} logo: inside the config directory`);
  });

  test.each(['logo.gif', 'logo', 'my logo.png', 'logo.svg?x=1'])('a logo named %s is not an accepted image file', (logo) => {
    const dir = configDir({ 'branding.json': { logo } });
    expect(settingsMessage(dir)).toContain('logo: a .png, .svg, .jpg or .webp file in the config directory');
  });

  test.each(['javascript:alert(1)', 'data:text/html,x', '/relative/help', 'ftp://files.example/x'])(
    'a footer link to %s is refused',
    (href) => {
      const dir = configDir({ 'branding.json': { footerLinks: [{ label: 'Ok', href: 'https://ok.example/' }, { label: 'Help', href }] } });
      expect(settingsMessage(dir)).toBe(`${join(dir, 'branding.json')} footerLinks[1].href: expected an absolute http or https URL`);
    },
  );

  test('at most six footer links', () => {
    const links = Array.from({ length: 7 }, (_, i) => ({ label: `L${i}`, href: `https://example.com/${i}` }));
    expect(settingsMessage(configDir({ 'branding.json': { footerLinks: links } }))).toContain('footerLinks: ');
    expect(load(configDir({ 'branding.json': { footerLinks: links.slice(0, 6) } })).branding.footerLinks).toHaveLength(6);
  });

  test('a localized text needs English; other languages are refused', () => {
    expect(settingsMessage(configDir({ 'branding.json': { productName: { 'zh-CN': '登录' } } }))).toContain('productName');
    expect(settingsMessage(configDir({ 'branding.json': { productName: { en: 'X', fr: 'Connexion' } } }))).toContain('productName');
    expect(settingsMessage(configDir({ 'branding.json': { productName: '   ' } }))).toContain('productName');
  });

  test('an unknown field is refused', () => {
    expect(settingsMessage(configDir({ 'branding.json': { colour: '#000000' } }))).toMatch(/branding\.json .*colour/);
  });

  test('branding.json that is not JSON is named', () => {
    const dir = configDir({ 'branding.json': '{ nope' });
    expect(settingsMessage(dir)).toContain(`${join(dir, 'branding.json')} is not valid JSON`);
  });
});

describe('scopes.json', () => {
  test('without scopes.json: no scopes', () => {
    expect(load(configDir()).scopes).toEqual([]);
  });

  test('is parsed; claims default to []', () => {
    const dir = configDir({
      'scopes.json': [scope(), scope({ id: 'orders:read', name: 'Orders', description: { en: 'Read orders' }, claims: ['email'] })],
    });
    expect(load(dir).scopes).toEqual([
      { id: 'openid', name: { en: 'Your identity', 'zh-CN': '您的身份' }, description: 'Lets {client_name} know it is you.', claims: [] },
      { id: 'orders:read', name: 'Orders', description: { en: 'Read orders' }, claims: ['email'] },
    ]);
  });

  test('the project scopes.json loads', () => {
    const scopes = load(join(ROOT, 'config')).scopes;
    expect(scopes.map((s) => s.id)).toEqual(['openid', 'profile', 'email', 'address', 'phone']);
    expect(scopes.find((s) => s.id === 'email')?.claims).toEqual(['email', 'email_verified']);
  });

  test('a duplicate scope id is refused, naming [i].id', () => {
    const dir = configDir({ 'scopes.json': [scope(), scope({ id: 'email' }), scope()] });
    expect(settingsMessage(dir)).toBe(`${join(dir, 'scopes.json')} [2].id: duplicate scope openid`);
  });

  test.each(['my scope', '', 'quote"d', 'back\\slash', 'x'.repeat(65), 'tab\there'])('the scope id %j is refused', (id) => {
    const dir = configDir({ 'scopes.json': [scope(), scope({ id })] });
    expect(settingsMessage(dir)).toBe(`${join(dir, 'scopes.json')} [1].id: a scope token (printable ASCII, no space, quote or backslash)`);
  });

  test('a claim that is not a claim name is refused', () => {
    const dir = configDir({ 'scopes.json': [scope({ claims: ['email', 'e mail'] })] });
    expect(settingsMessage(dir)).toBe(`${join(dir, 'scopes.json')} [0].claims[1]: claim "e mail": a claim name is at most 128 characters from A-Z a-z 0-9 _ . : / -`);
  });

  test('a protocol claim is refused', () => {
    const dir = configDir({ 'scopes.json': [scope({ claims: ['email', 'nonce'] })] });
    expect(settingsMessage(dir)).toBe(`${join(dir, 'scopes.json')} [0].claims[1]: claim nonce: reserved by the protocol (set by the provider, never by hand)`);
  });

  test('missing texts and unknown fields are refused', () => {
    expect(settingsMessage(configDir({ 'scopes.json': [{ id: 'openid', name: 'x' }] }))).toContain('[0].description');
    expect(settingsMessage(configDir({ 'scopes.json': [scope({ icon: 'x.png' })] }))).toMatch(/scopes\.json \[0\].*icon/);
  });

  test('scopeConfigSchema on its own', () => {
    expect(scopeConfigSchema.parse({ id: 'a', name: 'A', description: 'B' })).toEqual({ id: 'a', name: 'A', description: 'B', claims: [] });
    expect(scopeConfigSchema.safeParse({ id: 'a b', name: 'A', description: 'B' }).success).toBe(false);
    expect(scopeConfigSchema.safeParse({ id: 'a', name: 'x'.repeat(81), description: 'B' }).success).toBe(false);
    expect(scopeConfigSchema.safeParse({ id: 'a', name: 'A', description: 'x'.repeat(301) }).success).toBe(false);
  });
});
