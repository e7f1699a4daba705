/** The admin API's one JSON error mapping: what the stores refuse becomes a status and a body an API client reads. */
import type { Context, Next } from 'koa';
import { httpStatusOf, isRefusal } from '../../errors.js';
import { DocumentError } from '../../backup/backup-document.js';

export async function jsonErrors(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (err) {
    if (!isRefusal(err)) throw err;
    ctx.status = httpStatusOf(err);
    ctx.body = { error: err.code === 'not_found' ? 'not_found' : 'invalid_request', message: err.message, ...(err instanceof DocumentError ? { issues: err.issues } : {}) };
  }
}

/** The body of every refusal, as the OpenAPI document names it. */
export const errorSchemas = {
  Error: { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } },
};
