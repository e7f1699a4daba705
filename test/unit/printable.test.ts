/** printable(): the one way stored text reaches a terminal or a console page. */
import { expect, test } from '@jest/globals';
import { printable } from '../../src/printable.js';

test('control characters, DEL, C1, line separators and bidi controls are shown as escapes; everything else is kept', () => {
  expect(printable('mallory\x1b[2J\n2026  login  success')).toBe('mallory\\x1b[2J\\n2026  login  success');
  expect(printable('a\rb\tc\0d\x7fe\x9bf')).toBe('a\\rb\\tc\\x00d\\x7fe\\x9bf');
  expect(printable('evil\u202eexe.txt\u2028\u2066')).toBe('evil\\u202eexe.txt\\u2028\\u2066');
  expect(printable('Zoë 张伟 😀 <b>&"\'\\')).toBe('Zoë 张伟 😀 <b>&"\'\\');
  expect(printable('')).toBe('');
});

test('the result holds no character a terminal obeys', () => {
  const every = Array.from({ length: 0x3000 }, (_, c) => String.fromCharCode(c)).join('');
  expect(printable(every)).not.toMatch(/[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
});
