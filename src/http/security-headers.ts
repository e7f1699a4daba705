/**
 * Headers every response carries, set before anything downstream runs so oidc-provider's own pages
 * (errors, logout, form_post) get them too; form_post adds its script's hash to script-src.
 */
import type { Middleware } from 'koa';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
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

export const securityHeaders: Middleware = async (ctx, next) => {
  const { res } = ctx;
  for (const [name, value] of HEADERS) res.setHeader(name, value);
  if (ctx.secure) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  await next();
};
