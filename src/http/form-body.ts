/** Reads an application/x-www-form-urlencoded body of bounded size; anything else is a 4xx, not a crash. */
import type { Context } from 'koa';

export class FormBodyError extends Error {
  constructor(
    message: string,
    readonly status: 413 | 415 | 400,
  ) {
    super(message);
  }
}

const LIMIT = 16 * 1024;

function readLimited(ctx: Context): Promise<Buffer> {
  const declared = Number(ctx.get('content-length'));
  if (declared > LIMIT) return Promise.reject(new FormBodyError('form too large', 413));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= LIMIT) {
        chunks.push(chunk);
        return;
      }
      // Stop keeping it, but let the rest drain rather than destroy the request under the response.
      ctx.req.off('data', onData);
      ctx.req.resume();
      reject(new FormBodyError('form too large', 413));
    };
    ctx.req.on('data', onData);
    ctx.req.once('end', () => resolve(Buffer.concat(chunks)));
    ctx.req.once('error', reject);
  });
}

export async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new FormBodyError('expected a form submission', 415);
  const text = (await readLimited(ctx)).toString('utf8');
  try {
    // URLSearchParams tolerates stray '%'; decodeURIComponent tells us the encoding is malformed.
    decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new FormBodyError('malformed form encoding', 400);
  }
  return new URLSearchParams(text);
}
