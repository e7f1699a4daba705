/**
 * GET /: a small landing page linking discovery, the demo's try URL, the console and the docs. On by default in
 * development; in production GET / stays a 404 unless LANDING_PAGE=true. The docs pages it links are the
 * repository's own docs/*.md, served as plain text when the directory is there (a source checkout).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';
import { demoTryUrl } from '../config/demo-callback.js';
import type { ClientConfig } from '../config/client-schema.js';
import { languageLinks, requestLocale } from '../pages/page-locale.js';
import type { Views } from '../pages/views.js';

export const DOCS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs');
/** The pages a newcomer reads first, in this order; each has a `landing.docs.<name>` string. */
const DOC_PAGES = ['getting-started', 'connect-your-app', 'configuration', 'console'] as const;

export interface LandingParts {
  /** Off: GET / is our not-found page. */
  enabled: boolean;
  views: Views;
  issuer: string;
  production: boolean;
  /** Demo clients whose try URL ends on the built-in callback page. */
  demoClients: readonly ClientConfig[];
  consolePath: string;
  authorizationPath: () => string;
  docsDir?: string;
}

export function landingPage({ enabled, views, issuer, production, demoClients, consolePath, authorizationPath, docsDir = DOCS_DIR }: LandingParts): Middleware {
  if (!enabled) {
    return async (ctx, next) => {
      if (ctx.path !== '/' || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
      ctx.status = 404; // errorPages renders the not-found page
    };
  }
  const docs = new Map(DOC_PAGES.filter((name) => existsSync(join(docsDir, `${name}.md`))).map((name) => [`/docs/${name}.md`, { name, text: readFileSync(join(docsDir, `${name}.md`), 'utf8') }]));
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const doc = docs.get(ctx.path);
    if (doc) {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = doc.text;
      return;
    }
    if (ctx.path !== '/') return next();
    const locale = requestLocale(ctx, views);
    ctx.type = 'html';
    ctx.body = views.render(
      'landing',
      locale,
      {
        title: locale.t('landing.title'),
        production,
        discovery: `${issuer}/.well-known/openid-configuration`,
        tryUrl: demoClients[0] && demoTryUrl(issuer, demoClients[0], authorizationPath()),
        consoleUrl: `${issuer}${consolePath}`,
        docs: [...docs].map(([href, { name }]) => ({ href: `${issuer}${href}`, name })),
      },
      languageLinks(views, '/', locale.lang),
    );
  };
}
