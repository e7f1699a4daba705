/**
 * What /metrics shows of the upstream identity providers: each answer's outcome and the time our side spent on it
 * (the OIDC token endpoint, keys and userinfo; the SAML checks), by IdP. A protocol is wrapped once at the
 * composition root, so the OIDC callback and the SAML ACS report alike without knowing of it.
 */
import { performance } from 'node:perf_hooks';
import { UpstreamError, type PendingProtocolState, type UpstreamIdentity, type UpstreamStart } from './upstream.js';

/** An answer accepted, or why not (UpstreamError's codes): a closed set, as metric labels must be. */
export type UpstreamOutcome = 'success' | UpstreamError['code'];

export interface UpstreamObserver {
  /** One upstream answer (or a start that failed before the browser left), its outcome and duration. */
  upstreamSignIn(idp: string, seconds: number, outcome: UpstreamOutcome): void;
}

/** Both protocols' shape (the core's UpstreamProtocol and the SAML folder's own), for any IdP record type. */
export interface ObservableProtocol<I extends { name: string }> {
  start(idp: I, input: { callbackUrl: string; pendingId: string; loginHint?: string; passive?: boolean }): Promise<UpstreamStart>;
  finish(idp: I, answer: URLSearchParams, kept: PendingProtocolState, input: { callbackUrl: string }): Promise<UpstreamIdentity>;
}

export function observedProtocol<I extends { name: string }>(protocol: ObservableProtocol<I>, observer: UpstreamObserver): ObservableProtocol<I> {
  const seconds = (since: number) => (performance.now() - since) / 1000;
  return {
    async start(idp, input) {
      const since = performance.now();
      try {
        return await protocol.start(idp, input);
      } catch (err) {
        // A start that fails (discovery down) is a sign-in that did not happen; a started one is counted at its answer.
        if (err instanceof UpstreamError) observer.upstreamSignIn(idp.name, seconds(since), err.code);
        throw err;
      }
    },
    async finish(idp, answer, kept, input) {
      const since = performance.now();
      try {
        const identity = await protocol.finish(idp, answer, kept, input);
        observer.upstreamSignIn(idp.name, seconds(since), 'success');
        return identity;
      } catch (err) {
        if (err instanceof UpstreamError) observer.upstreamSignIn(idp.name, seconds(since), err.code);
        throw err;
      }
    },
  };
}
