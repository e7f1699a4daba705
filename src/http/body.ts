/** Reads request bodies of bounded size (forms, JSON); anything unexpected is a 4xx, not a crash. */
import { AppError } from '../errors.js';
import type { Context } from 'koa';

const CODE_OF_STATUS = { 400: 'invalid', 413: 'too_large', 415: 'unsupported_media_type' } as const;

/** A body we will not read: too large, of the wrong type, or malformed. */
export class BodyError extends AppError {
  constructor(
    message: string,
    readonly status: 413 | 415 | 400,
  ) {
    super(CODE_OF_STATUS[status], message);
  }
}

const LIMIT = 16 * 1024;

function readLimited(ctx: Context, limit = LIMIT): Promise<Buffer> {
  const declared = Number(ctx.get('content-length'));
  if (declared > limit) return Promise.reject(new BodyError('form too large', 413));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      // Stop keeping it, but let the rest drain rather than destroy the request under the response.
      ctx.req.off('data', onData);
      ctx.req.resume();
      reject(new BodyError('form too large', 413));
    };
    ctx.req.on('data', onData);
    ctx.req.once('end', () => resolve(Buffer.concat(chunks)));
    ctx.req.once('error', reject);
  });
}

/** A form body, at most 16 KiB unless a larger limit is given (a SAML ACS takes a signed response). */
export async function readForm(ctx: Context, limit = LIMIT): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new BodyError('expected a form submission', 415);
  const text = (await readLimited(ctx, limit)).toString('utf8');
  try {
    // URLSearchParams tolerates stray '%'; decodeURIComponent tells us the encoding is malformed.
    decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new BodyError('malformed form encoding', 400);
  }
  return new URLSearchParams(text);
}

/** A JSON object body (application/json), at most 16 KiB unless a larger limit is given. */
export async function readJson(ctx: Context, limit = LIMIT): Promise<Record<string, unknown>> {
  if (!ctx.is('application/json')) throw new BodyError('expected application/json', 415);
  let value: unknown;
  try {
    value = JSON.parse((await readLimited(ctx, limit)).toString('utf8'));
  } catch (err) {
    if (err instanceof BodyError) throw err;
    throw new BodyError('malformed JSON', 400);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BodyError('expected a JSON object', 400);
  return value as Record<string, unknown>;
}
