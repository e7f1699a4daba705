/** The steps a person takes through our pages, for tests (and benchmarks) that drive them over HTTP. */
import { inputValue, UserAgent, type Hop } from './user-agent.js';

function formAction(page: Hop, path: string): string {
  const action = page.body.match(new RegExp(`action="([^"]*/${path})"`))?.[1];
  if (!action) throw new Error(`no ${path} form on the page (status ${page.status}): ${page.body.slice(0, 300)}`);
  return action;
}

export function authorizeUrl(issuer: string, params: Record<string, string>): string {
  return `${issuer}/auth?${new URLSearchParams(params)}`;
}

export const implicitParams = (overrides: Record<string, string> = {}) => ({
  client_id: 'spa-both',
  response_type: 'id_token token',
  scope: 'openid',
  redirect_uri: 'https://rp.example.test/cb',
  nonce: 'nonce-123',
  state: 'state-xyz',
  ...overrides,
});

export async function submitLogin(ua: UserAgent, page: Hop, username: string, password: string): Promise<Hop> {
  return ua.follow(formAction(page, 'login'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: inputValue(page.body, 'csrf')!, username, password }).toString(),
  });
}

export async function submitForm(ua: UserAgent, page: Hop, path: 'confirm' | 'abort' | 'continue' | 'switch'): Promise<Hop> {
  return ua.follow(formAction(page, path), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: inputValue(page.body, 'csrf')! }).toString(),
  });
}

/** Authorize → login → consent (when asked) → the redirect back to the relying party. */
export async function signIn(ua: UserAgent, url: string, user: { username: string; password: string }): Promise<Hop> {
  const loginPage = await ua.follow(url);
  if (loginPage.status !== 200 || !loginPage.body.includes('name="password"')) {
    throw new Error(`expected the login page, got ${loginPage.status} ${loginPage.location ?? ''}`);
  }
  let hop = await submitLogin(ua, loginPage, user.username, user.password);
  if (hop.status === 200 && hop.body.includes('/confirm"')) hop = await submitForm(ua, hop, 'confirm');
  return hop;
}
