/**
 * One audit event: its schema (docs/audit.md, version 1), the bound on each of its fields, and the trail it is kept
 * in. Pure: the trail, the stores and the log copy all take events through `bounded`.
 */
export type AuditType = 'admin' | 'login' | 'mfa' | 'consent.given' | 'consent.revoked' | 'token.issued' | 'logout';

export interface AuditEvent {
  time: string;
  type: AuditType;
  outcome: 'success' | 'failure';
  /** Who did it: a username, `cli:<os user>`, or an admin token's name. */
  actor?: string;
  client?: string;
  user?: string;
  ip?: string;
  /** What happened, in a few words ("client update", "wrong password"). */
  action?: string;
  /** Attempts this one event stands for (repeated failures from one address, counted rather than kept one by one). */
  count?: number;
  /** Set when a field was longer than its bound and was cut. */
  truncated?: true;
}

/** The schema version the log copy carries, raised on any change a log reader would notice. */
export const AUDIT_SCHEMA_VERSION = 1;

/** Each text field's bound, in UTF-16 code units: anything from outside is cut to it before it is stored or logged. */
export const FIELD_BOUNDS = { actor: 256, user: 256, client: 128, ip: 64, action: 200 } as const;
type BoundedField = keyof typeof FIELD_BOUNDS;

/**
 * The largest JSON one bounded event can take, in bytes: JSON writes a control character as `\u00XX` (six bytes for
 * one code unit, the worst case), plus the fixed fields. The Redis trails' bound in bytes follows from it.
 */
export const MAX_EVENT_BYTES = 6 * Object.values(FIELD_BOUNDS).reduce((a, b) => a + b, 0) + 256;

/** Dynamic client registration's actor: a refused registration comes from an unauthenticated party. */
export const REGISTRATION_ACTOR = 'registration';

/**
 * Three trails, each bounded on its own in Redis: admin changes, consents and successful sign-ins (what an
 * investigation needs) never share a bound with what an unauthenticated party can produce at will (refused
 * sign-ins and registrations), nor with token issuance, which comes one event per sign-in.
 */
export const AUDIT_TRAILS = ['admin', 'signin', 'tokens'] as const;
export type AuditTrail = (typeof AUDIT_TRAILS)[number];

/** A refusal of someone not signed in: noise an attacker controls, counted per address rather than kept one by one. */
export const isUnauthenticatedFailure = (event: Pick<AuditEvent, 'type' | 'outcome' | 'actor'>): boolean =>
  event.outcome === 'failure' && (event.type === 'login' || (event.type === 'admin' && event.actor === REGISTRATION_ACTOR));

export function trailOf(event: Pick<AuditEvent, 'type' | 'outcome' | 'actor'>): AuditTrail {
  if (event.type === 'token.issued') return 'tokens';
  return isUnauthenticatedFailure(event) ? 'signin' : 'admin';
}

/** The trails that can hold events of a type: a filter on it reads only those. */
export function trailsOf(type: AuditType): AuditTrail[] {
  if (type === 'token.issued') return ['tokens'];
  return type === 'login' || type === 'admin' ? ['admin', 'signin'] : ['admin'];
}

/** At most `max` code units, never splitting a surrogate pair. */
function cut(text: string, max: number): string {
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/**
 * The event with exactly the schema's fields, each text field cut to its bound (and `truncated` set when one was):
 * the only shape that is stored or logged, whatever a producer passed.
 */
export function bounded(event: AuditEvent): AuditEvent {
  const out: AuditEvent = { time: String(event.time), type: event.type, outcome: event.outcome };
  let truncated = event.truncated === true;
  for (const field of Object.keys(FIELD_BOUNDS) as BoundedField[]) {
    const value = event[field];
    if (value === undefined || value === null) continue;
    const text = String(value);
    const max = FIELD_BOUNDS[field];
    if (text.length > max) truncated = true;
    out[field] = text.length > max ? cut(text, max) : text;
  }
  if (event.count !== undefined) out.count = event.count;
  if (truncated) out.truncated = true;
  return out;
}
