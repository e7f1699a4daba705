/**
 * POST /admin/api/cli: the in-memory development server runs a command line it is sent, in-process against its own
 * stores, and answers what the command printed. Only from loopback, only with the token it wrote to its token file.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { z } from 'zod';
import { readJson } from '../../http/body.js';
import { USERNAME_MAX } from '../../input-bounds.js';
import { isRefusal, httpStatusOf } from '../../errors.js';
import { ADMIN_API } from './prefix.js';

export const CLI_PATH = `${ADMIN_API}/cli`;

/** An import document is the largest input a command reads (as the admin API's import allows), plus the rest. */
const TEXT_MAX = 32 * 1024 * 1024;
const BODY_MAX = TEXT_MAX + 1024 * 1024;
const WORD_MAX = 64 * 1024;

const fileRead = z.union([
  z.object({ text: z.string().max(TEXT_MAX) }),
  z.object({ error: z.object({ code: z.string().max(64).optional(), message: z.string().max(1024) }) }),
]);

const forwardedSchema = z.object({
  argv: z.array(z.string().max(WORD_MAX)).max(1024),
  username: z.string().min(1).max(USERNAME_MAX),
  stdin: z.string().max(TEXT_MAX).optional(),
  files: z.record(z.string().max(4096), fileRead).optional(),
});

/** A command line as the command line sends it: its words, who ran it, and the standard input and files it read. */
export type ForwardedCommand = z.infer<typeof forwardedSchema>;
export type FileRead = z.infer<typeof fileRead>;

/** What the command printed there, and its exit code. */
export interface ForwardedAnswer {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** 127.0.0.0/8 and ::1, also as IPv4-mapped: the socket's own address, never a forwarded header. */
export const isLoopback = (address: string | undefined) => !!address && (/^(::ffff:)?127\./.test(address) || address === '::1');

export function cliEndpoint(token: string, run: (command: ForwardedCommand) => Promise<ForwardedAnswer>): Middleware {
  const expected = digest(token);
  return async (ctx, next) => {
    if (ctx.path !== CLI_PATH) return next();
    ctx.set('Cache-Control', 'no-store');
    const refuse = (status: number, error: string, message: string) => {
      ctx.status = status;
      ctx.body = { error, message };
    };
    if (!isLoopback(ctx.req.socket.remoteAddress)) return refuse(403, 'forbidden', 'the command line endpoint answers on loopback only');
    if (ctx.method !== 'POST') {
      ctx.set('Allow', 'POST');
      return refuse(405, 'method_not_allowed', 'POST a command line');
    }
    const given = /^Bearer (\S+)$/i.exec(ctx.get('authorization'))?.[1];
    if (!given || !timingSafeEqual(digest(given), expected)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="cli"');
      return refuse(401, 'unauthorized', "the token is not this server's (it is in the server's CLI_TOKEN_FILE)");
    }
    try {
      const parsed = forwardedSchema.safeParse(await readJson(ctx, BODY_MAX));
      if (!parsed.success) return refuse(400, 'invalid_request', `not a command line: ${parsed.error.issues[0]?.path.join('.') || 'body'}: ${parsed.error.issues[0]?.message ?? ''}`);
      ctx.body = await run(parsed.data);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      refuse(httpStatusOf(err), 'invalid_request', err.message);
    }
  };
}
