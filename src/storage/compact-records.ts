/**
 * How the long-lived per-user records, Session and Grant, are stored: a JSON array of their fields in a fixed order
 * rather than a JSON object, without `jti` (the id in the key) and `kind` (the model), both restored on read.
 * Every signed-in user keeps one of each for days; the field names and the two restorable fields were a third of
 * a session's bytes (see docs in bench/memory.ts for the per-user accounting). Tokens and interactions, short-lived,
 * stay plain JSON objects.
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

function packAuthorizations(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const packed: [string, unknown][] = [];
  for (const [clientId, authorization] of Object.entries(value)) {
    const a = authorization as Payload | null;
    const plain =
      typeof a === 'object' && a !== null && !Array.isArray(a) &&
      Object.entries(a).every(([k, v]) => (AUTHORIZATION_FIELDS as readonly string[]).includes(k) && v !== null);
    packed.push([clientId, plain ? trimNulls(AUTHORIZATION_FIELDS.map((f) => a[f] ?? null)) : authorization]);
  }
  return Object.fromEntries(packed);
}

function unpackAuthorizations(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([clientId, a]) => [
      clientId,
      Array.isArray(a) ? Object.fromEntries(AUTHORIZATION_FIELDS.flatMap((f, i) => (a[i] === null || a[i] === undefined ? [] : [[f, a[i]]]))) : a,
    ]),
  );
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
  return values.slice(0, end);
}

/** The fields in order, then the others (if any) in one object. */
export function pack(shape: Shape, id: string, payload: AdapterPayload): unknown[] {
  const p = payload as Payload;
  const values: unknown[] = [];
  const others: [string, unknown][] = [];
  for (const field of shape.fields) {
    const value = p[field];
    if (value === undefined) values.push(null);
    else if (value === null) {
      values.push(null);
      others.push([field, null]);
    } else values.push(shape.pack?.[field]?.(value) ?? value);
  }
  for (const [key, value] of Object.entries(p)) {
    if (value === undefined || shape.fields.includes(key)) continue;
    if ((key === 'jti' && value === id) || (key === 'kind' && value === shape.kind)) continue;
    others.push([key, value]);
  }
  return others.length ? [...values, Object.fromEntries(others)] : trimNulls(values);
}

export function unpack(shape: Shape, id: string, values: unknown[]): AdapterPayload {
  const entries: [string, unknown][] = [
    ['jti', id],
    ['kind', shape.kind],
  ];
  shape.fields.forEach((field, i) => {
    const value = values[i];
    if (value !== null && value !== undefined) entries.push([field, shape.unpack?.[field]?.(value) ?? value]);
  });
  const others = values[shape.fields.length];
  if (typeof others === 'object' && others !== null) entries.push(...Object.entries(others));
  // fromEntries defines properties: a "__proto__" field stays a field.
  return Object.fromEntries(entries) as AdapterPayload;
}

export const encode = (shape: Shape, id: string, payload: AdapterPayload): string => JSON.stringify(pack(shape, id, payload));

/** A stored record, either format. */
export function decode(shape: Shape, id: string, stored: string): AdapterPayload {
  const parsed = JSON.parse(stored) as unknown;
  return Array.isArray(parsed) ? unpack(shape, id, parsed) : (parsed as AdapterPayload);
}
