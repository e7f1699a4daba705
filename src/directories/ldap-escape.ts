/**
 * RFC 4515 escaping of a value placed in an LDAP search filter: `*`, `(`, `)`, `\` and NUL (and every other
 * non-printable byte) become `\XX`, so a sign-in name can never change a filter's shape.
 */

export function escapeFilterValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    // Printable ASCII but the four specials goes as is; anything else (NUL, controls, UTF-8 bytes) as \XX.
    out += byte >= 0x20 && byte < 0x7f && byte !== 0x2a && byte !== 0x28 && byte !== 0x29 && byte !== 0x5c ? String.fromCharCode(byte) : `\\${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** A filter template with `{name}` placeholders, each filled with its escaped value; an unknown placeholder stays. */
export function fillFilter(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? escapeFilterValue(values[name]!) : whole));
}
