/**
 * The pages' scripts, served from our own origin so the CSP stays `script-src 'self'` with no inline script: every
 * `views/assets/*.js`, read once at start-up.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Middleware } from 'koa';
import { VIEWS_DIR } from '../pages/views.js';

export function pageScripts(viewsDir = VIEWS_DIR): Middleware {
  const dir = join(viewsDir, 'assets');
  const scripts = new Map(readdirSync(dir).filter((name) => name.endsWith('.js')).map((name) => [`/assets/${name}`, readFileSync(join(dir, name), 'utf8')]));
  return async (ctx, next) => {
    const body = (ctx.method === 'GET' || ctx.method === 'HEAD') && scripts.get(ctx.path);
    if (!body) return next();
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = body;
  };
}
