/** What a browser sees while Redis is away: the authorization endpoint and a pending login page answer the branded 503. */
import { expect } from '@jest/globals';
import { authorizeUrl, implicitParams } from './flows.js';
import { UserAgent } from './user-agent.js';

export async function expectPagesUnavailable(issuer: string, ua: UserAgent, loginUrl: string): Promise<void> {
  const auth = await new UserAgent(issuer).request(authorizeUrl(issuer, implicitParams()));
  expect(auth.status).toBe(503);
  expect(auth.headers.get('retry-after')).toBe('5');
  expect(auth.body).toContain('Temporarily unavailable');
  const page = await ua.get(loginUrl);
  expect(page.status).toBe(503);
  expect(page.body).toContain('Temporarily unavailable');
}
