/**
 * How the long-lived per-user records, Session and Grant, are stored: a JSON array of their fields in a fixed order
 * rather than a JSON object, without `jti` (the id in the key) and `kind` (the model), both restored on read.
 * Every signed-in user keeps one of each for days; the field names and the two restorable fields were a third of
 * their bytes (a session of one client: 429 → 263 bytes, from jemalloc's 448-byte class to its 320-byte one).
 * Tokens and interactions, short-lived, stay plain JSON objects; decoding costs no more than JSON.parse of the
 * object (bench/record-codec.ts).
 *
 * A field missing from the payload is `null` in its place (trailing ones dropped); a field that is `null`, any field
 * not listed (a newer oidc-provider's, `state` during logout) and a `jti`/`kind` that differ from the restored
 * ones go into one object after the listed fields, so every payload reads back deep-equal.
 * A Session's authorizations are `{ clientId: [sid, grantId, persistsLogout] }` when they hold nothing else.
 * Records written as JSON objects (before this format) start with `{` and are read as they are.
 */
import type { AdapterPayload } from 'oidc-provider';

type Payload = Record<string, unknown>;

interface Shape {
  kind: string;
  fields: readonly string[];
  /** Packs a listed field's value (a Session's authorizations); returns it unchanged when it cannot. */
  pack?: Partial<Record<string, (value: unknown) => unknown>>;
  unpack?: Partial<Record<string, (value: unknown) => unknown>>;
}

const AUTHORIZATION_FIELDS = ['sid', 'grantId', 'persistsLogout'] as const;
const isObject = (value: unknown): value is Payload => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Sets a field read from storage: a "__proto__" field stays a field rather than becoming the prototype. */
function setField(target: Payload, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function packAuthorizations(value: unknown): unknown {
  if (!isObject(value)) return value;
  const packed: Payload = {};
  for (const clientId of Object.keys(value)) {
    const a = value[clientId];
    let plain = isObject(a);
    if (plain) for (const k of Object.keys(a as Payload)) if (!(AUTHORIZATION_FIELDS as readonly string[]).includes(k) || (a as Payload)[k] === null) plain = false;
    setField(packed, clientId, plain ? trimNulls(AUTHORIZATION_FIELDS.map((f) => (a as Payload)[f] ?? null)) : a);
  }
  return packed;
}

function unpackAuthorizations(value: unknown): unknown {
  if (!isObject(value)) return value;
  const unpacked: Payload = {};
  for (const clientId of Object.keys(value)) {
    const a = value[clientId];
    if (!Array.isArray(a)) {
      setField(unpacked, clientId, a);
      continue;
    }
    const authorization: Payload = {};
    for (let i = 0; i < a.length && i < AUTHORIZATION_FIELDS.length; i++) if (a[i] !== null) authorization[AUTHORIZATION_FIELDS[i]!] = a[i];
    setField(unpacked, clientId, authorization);
  }
  return unpacked;
}

export const SESSION: Shape = {
  kind: 'Session',
  fields: ['iat', 'exp', 'uid', 'accountId', 'loginTs', 'amr', 'acr', 'transient', 'authorizations'],
  pack: { authorizations: packAuthorizations },
  unpack: { authorizations: unpackAuthorizations },
};

export const GRANT: Shape = {
  kind: 'Grant',
  fields: ['iat', 'exp', 'accountId', 'clientId', 'openid', 'resources', 'rejected', 'rar'],
};

function trimNulls(values: unknown[]): unknown[] {
  let end = values.length;
  while (end > 0 && values[end - 1] === null) end--;
  return end === values.length ? values : values.slice(0, end);
}

/** The fields in order, then the others (if any) in one object. */
export function pack(shape: Shape, id: string, payload: AdapterPayload): unknown[] {
  const p = payload as Payload;
  const values: unknown[] = [];
  let others: Payload | undefined;
  for (const field of shape.fields) {
    const value = p[field];
    if (value === undefined || value === null) values.push(null);
    else {
      const packField = shape.pack?.[field];
      values.push(packField ? packField(value) : value);
    }
    if (value === null) setField((others ??= {}), field, null);
  }
  for (const key of Object.keys(p)) {
    const value = p[key];
    if (value === undefined || shape.fields.includes(key)) continue;
    if ((key === 'jti' && value === id) || (key === 'kind' && value === shape.kind)) continue;
    setField((others ??= {}), key, value);
  }
  if (!others) return trimNulls(values);
  values.push(others);
  return values;
}

/**
 * The payload, its keys in the order oidc-provider saves a record it read (the listed fields, the others, then
 * `kind` and `jti`), so the unchanged-session check can compare it as JSON with the payload saved next.
 */
export function unpack(shape: Shape, id: string, values: unknown[]): AdapterPayload {
  const payload: Payload = {};
  const { fields } = shape;
  for (let i = 0; i < fields.length && i < values.length; i++) {
    const value = values[i];
    if (value === null) continue;
    const unpackField = shape.unpack?.[fields[i]!];
    payload[fields[i]!] = unpackField ? unpackField(value) : value;
  }
  const others = values[fields.length];
  if (isObject(others)) for (const key of Object.keys(others)) setField(payload, key, others[key]);
  if (!('kind' in payload)) payload.kind = shape.kind;
  if (!('jti' in payload)) payload.jti = id;
  return payload as AdapterPayload;
}

export const encode = (shape: Shape, id: string, payload: AdapterPayload): string => JSON.stringify(pack(shape, id, payload));

/** A stored record, either format. */
export function decode(shape: Shape, id: string, stored: string): AdapterPayload {
  const parsed = JSON.parse(stored) as unknown;
  return Array.isArray(parsed) ? unpack(shape, id, parsed) : (parsed as AdapterPayload);
}
