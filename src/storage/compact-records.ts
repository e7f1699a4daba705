/**
 * How a Session or a Grant is stored: a JSON array of its fields in a fixed order rather than a JSON object.
 * These two live as long as a sign-in (days) and there is one of each per signed-in user, so their size is
 * the store's size: the field names, the id (the key holds it) and the model's name (so does the key) would be
 * a third of each record. Fields not in the list (a later oidc-provider's) ride along in a trailing object, so
 * nothing is lost. Every other model, and a record written before this form, is a JSON object. Pure.
 */
import type { AdapterPayload } from 'oidc-provider';

/** The fields oidc-provider's Session and Grant models keep (their IN_PAYLOAD), most often set first. */
const FIELDS: Record<string, readonly string[]> = {
  Session: ['iat', 'exp', 'uid', 'accountId', 'loginTs', 'authorizations', 'amr', 'acr', 'transient', 'state'],
  Grant: ['iat', 'exp', 'accountId', 'clientId', 'openid', 'rejected', 'resources', 'rar'],
};

const POSITIONS: Record<string, Map<string, number>> = Object.fromEntries(
  Object.entries(FIELDS).map(([model, fields]) => [model, new Map(fields.map((field, i) => [field, i]))]),
);

export function encodeRecord(model: string, id: string, payload: AdapterPayload): string {
  const positions = POSITIONS[model];
  if (!positions) return JSON.stringify(payload);
  const values: unknown[] = new Array(positions.size).fill(null);
  let rest: Record<string, unknown> | undefined;
  for (const field in payload) {
    const value = payload[field];
    if (value === undefined) continue;
    const at = positions.get(field);
    if (at !== undefined) values[at] = value;
    else if (!(field === 'jti' && value === id) && !(field === 'kind' && value === model)) (rest ??= {})[field] = value;
  }
  if (rest) values.push(rest);
  else while (values.length && values[values.length - 1] === null) values.pop();
  return JSON.stringify(values);
}

export function decodeRecord(model: string, id: string, text: string): AdapterPayload {
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) return parsed as AdapterPayload;
  const fields = FIELDS[model] ?? [];
  const payload: AdapterPayload = { jti: id, kind: model };
  fields.forEach((field, i) => {
    if (parsed[i] !== null && parsed[i] !== undefined) payload[field] = parsed[i];
  });
  if (parsed.length > fields.length) Object.assign(payload, parsed[fields.length]);
  return payload;
}
