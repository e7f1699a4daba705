/**
 * Headers every response carries, set before anything downstream runs so oidc-provider's own pages
 * (errors, logout, form_post) get them too; form_post adds its script's hash to script-src.
 */
import type { Middleware } from 'koa';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // The passkey prompts fetch their challenge from our own origin.
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

// Straight onto the response: every request pays for these, and Koa's ctx.set adds two delegations to each.
const HEADERS: [string, string][] = [
  ['X-Frame-Options', 'DENY'],
  ['Content-Security-Policy', CONTENT_SECURITY_POLICY],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
];

const HSTS: [string, string] = ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'];

/**
 * A JSON document's: it loads nothing and is never a page, so the policy only forbids both (OWASP's REST
 * headers), a hundred bytes less on the most requested answers. Set after the page headers, it replaces them.
 */
const DOCUMENT_HEADERS: [string, string][] = HEADERS.map(([name, value]) => [name, name === 'Content-Security-Policy' ? "default-src 'none'; frame-ancestors 'none'" : value]);
const PLAIN_LIST = DOCUMENT_HEADERS.flat();
const SECURE_LIST = [...DOCUMENT_HEADERS, HSTS].flat();

/** A JSON document's security headers as Node's raw header list (name, value, name, value…), for `res.writeHead`. */
export const documentSecurityHeaders = (secure: boolean): readonly string[] => (secure ? SECURE_LIST : PLAIN_LIST);

/** HSTS only over HTTPS: browsers ignore it over HTTP, and it must not pin a plain-HTTP development host. */
export const securityHeaders: Middleware = (ctx, next) => {
  const { res } = ctx;
  for (const [name, value] of HEADERS) res.setHeader(name, value);
  if (ctx.secure) res.setHeader(...HSTS);
  return next();
};
