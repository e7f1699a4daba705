/**
 * What a developer needs to fix a refused authorization request: the client_id that is not registered, or the
 * redirect_uri that does not match and the ones the client has. Development only: in production the error page
 * stays generic, since it would tell anyone which clients exist and where they return.
 */
import { printable } from '../printable.js';

/** Characters of one value shown, and registered redirect URIs listed: a page to read, not a dump. */
export const SHOWN_MAX = 256;
export const LISTED_MAX = 20;

export interface ErrorExplanation {
  /** Locale key of the sentence, and its one variable. */
  key: 'error.dev.unknown_client' | 'error.dev.redirect_uri' | 'error.dev.missing';
  value: string;
  /** The client's registered redirect URIs, when the redirect_uri did not match one. */
  registered?: string[];
  /** How many more there are than listed. */
  more?: number;
}

const shown = (value: unknown): string => {
  const text = printable(String(value));
  return text.length > SHOWN_MAX ? `${text.slice(0, SHOWN_MAX)}…` : text;
};

export function explainError(error: string, params: { client_id?: unknown; redirect_uri?: unknown }, registered: readonly string[] | undefined): ErrorExplanation | undefined {
  if (error === 'invalid_client') {
    if (typeof params.client_id !== 'string' || params.client_id === '') return { key: 'error.dev.missing', value: 'client_id' };
    return { key: 'error.dev.unknown_client', value: shown(params.client_id) };
  }
  if (error === 'invalid_redirect_uri' && registered) {
    if (typeof params.redirect_uri !== 'string' || params.redirect_uri === '') return { key: 'error.dev.missing', value: 'redirect_uri' };
    const listed = registered.slice(0, LISTED_MAX).map(shown);
    return { key: 'error.dev.redirect_uri', value: shown(params.redirect_uri), registered: listed, ...(registered.length > LISTED_MAX ? { more: registered.length - LISTED_MAX } : {}) };
  }
  return undefined;
}
