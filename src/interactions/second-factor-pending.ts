/**
 * Who is waiting for a second factor on an interaction: the account whose password was just right (kept on the
 * interaction, server side, until a code finishes it), or, on a step-up, the session's own account. Nothing a
 * browser sends can name the account: a POST that skips the password finds nobody waiting.
 */
import { ACR_MFA } from '../oidc/acr.js';
import { AMR } from '../oidc/amr.js';
import { requestedAcrs } from '../mfa/policy.js';
import { MFA_REQUIRED } from '../provider/interaction-policy.js';
import type { Interaction } from './load.js';

export interface PendingSecondFactor {
  accountId: string;
  /** How the first factor was made (RFC 8176 values). */
  amr: string[];
  remember: boolean;
  /** The password answered an account choice too (prompt select_account). */
  selectAccount?: boolean;
  /** The WebAuthn challenge last handed to this browser, checked once by the answer to it. */
  challenge?: string;
}

/** Where the pending sign-in is kept on the interaction's result: oidc-provider ignores the key, so resuming with it signs nobody in. */
export const PENDING_KEY = 'second_factor';

/** The login prompt's reasons a step-up answers: asked for a second factor, and nothing that needs the password again. */
const STEP_UP_REASONS = new Set([MFA_REQUIRED, 'essential_acr', 'essential_acrs']);

function isPending(value: unknown): value is PendingSecondFactor {
  const v = value as Partial<PendingSecondFactor> | undefined;
  return typeof v?.accountId === 'string' && Array.isArray(v.amr) && typeof v.remember === 'boolean';
}

export function pendingOf(interaction: Interaction): PendingSecondFactor | undefined {
  const { prompt, session, params } = interaction;
  if (prompt.name !== 'login' && prompt.name !== 'select_account') return undefined;
  const saved = (interaction.result as Record<string, unknown> | undefined)?.[PENDING_KEY];
  if (isPending(saved)) return saved;
  if (prompt.name !== 'login' || !session?.accountId || !prompt.reasons.every((r) => STEP_UP_REASONS.has(r))) return undefined;
  const asked = prompt.reasons.includes(MFA_REQUIRED) || requestedAcrs(params.acr_values, params.claims).includes(ACR_MFA);
  if (!asked) return undefined;
  return { accountId: session.accountId, amr: session.amr?.length ? [...session.amr] : [AMR.password], remember: true };
}
