/**
 * A directory entry's immutable id in its canonical text form: `entryUUID` (OpenLDAP, 389) as is, lower case;
 * Active Directory's binary `objectGUID` as the GUID string Windows shows (its first three fields little-endian).
 * The subject of a directory user comes from this, never from a DN or a name, which change on rename.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function guidFromBytes(bytes: Buffer): string | undefined {
  if (bytes.length !== 16) return undefined;
  const le = (start: number, end: number) => Buffer.from(bytes.subarray(start, end)).reverse().toString('hex');
  const hex = bytes.toString('hex');
  return `${le(0, 4)}-${le(4, 6)}-${le(6, 8)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function canonicalUuid(text: string): string | undefined {
  const lower = text.trim().toLowerCase();
  return UUID.test(lower) ? lower : undefined;
}

/** The id attribute a kind keeps its immutable id in. */
export const ID_ATTRIBUTE = { openldap: 'entryUUID', 'active-directory': 'objectGUID' } as const;

/** The canonical id of an entry's id attribute value (a Buffer for objectGUID, text for entryUUID). */
export function objectIdOf(kind: keyof typeof ID_ATTRIBUTE, value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (kind === 'active-directory') return Buffer.isBuffer(first) ? guidFromBytes(first) : undefined;
  if (Buffer.isBuffer(first)) return canonicalUuid(first.toString('utf8'));
  return typeof first === 'string' ? canonicalUuid(first) : undefined;
}
