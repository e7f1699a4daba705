/**
 * Asks for a password at a terminal without echoing it: the terminal in raw mode, each key read and none written back.
 * Only for a person at a terminal; a piped password is read as it comes (args.ts).
 */
import type { ReadStream } from 'node:tty';
import { AppError } from '../errors.js';
import { PASSWORD_MAX } from '../input-bounds.js';

const ENTER = new Set(['\r', '\n']);
const INTERRUPT = '\u0003';
const END = '\u0004';
const ERASE = new Set(['\u007f', '\b']);
const ERASE_LINE = '\u0015';
// CSI (ESC [ … final) and SS3 (ESC O x) sequences, as cursor and function keys send them.
const ESCAPE_SEQUENCE = /\u001b(\[[0-9;?]*[ -/]*[@-~]|O.)/g;

/** The line typed after `label` (written to `output`, so a --json stdout stays one object), never echoed. */
export function hiddenLine(label: string, input: ReadStream = process.stdin as ReadStream, output: NodeJS.WritableStream = process.stderr): Promise<string> {
  // Raw before the label: whatever is typed once the label shows is never echoed.
  const wasRaw = input.isRaw;
  input.setRawMode(true);
  input.setEncoding('utf8');
  output.write(label);
  return new Promise<string>((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onEnd = () => finish(new AppError('invalid', 'password: the input ended before the password was entered', { field: 'password' }));
    const onData = (chunk: string) => {
      // A cursor or function key arrives as an escape sequence: it is no part of a password.
      for (const key of chunk.replace(ESCAPE_SEQUENCE, '')) {
        if (ENTER.has(key)) return finish();
        if (key === INTERRUPT) return finish(new AppError('invalid', 'password: cancelled', { field: 'password' }));
        if (key === END) return typed ? finish() : onEnd();
        if (ERASE.has(key)) typed = typed.slice(0, -1);
        else if (key === ERASE_LINE) typed = '';
        // One past the bound is enough for the store to refuse it; the rest is not kept.
        else if (key >= ' ' && typed.length <= PASSWORD_MAX) typed += key;
      }
    };
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
  });
}

/** A new password typed twice; two that differ are refused, and nothing is changed. */
export async function newPassword(input?: ReadStream, output?: NodeJS.WritableStream): Promise<string> {
  const first = await hiddenLine('Password: ', input, output);
  const second = await hiddenLine('Password again: ', input, output);
  if (first !== second) throw new AppError('invalid', 'password: the two entries differ; nothing was changed', { field: 'password' });
  return first;
}
