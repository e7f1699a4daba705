/**
 * Stored text made safe for a person's screen: a terminal obeys escape sequences and starts a new line at a newline,
 * so text from outside (a username, a client name) could clear the screen or forge a line of output.
 */

/**
 * C0 and C1 controls, DEL, the line and paragraph separators, and the bidirectional formatting characters (which
 * reorder what follows them on screen).
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(char: string): string {
  const code = char.charCodeAt(0);
  return NAMED[char] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/** The text with every control or reordering character shown as a visible escape (`\x1b`, `\n`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escapeOne);
}
