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

export async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new FormBodyError('expected a form submission', 415);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > LIMIT) throw new FormBodyError('form too large', 413);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    // URLSearchParams tolerates stray '%'; decodeURIComponent tells us the encoding is malformed.
    decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new FormBodyError('malformed form encoding', 400);
  }
  return new URLSearchParams(text);
}
