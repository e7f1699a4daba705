/**
 * One way for every administrative change, from the command line or the HTTP API: run it, and record in the
 * audit trail who did what to which client or user, whether it was done or refused.
 */
import type { AuditLog } from './audit.js';

export interface AdminAction {
  /** `cli:<os user>` or `token:<name>`. */
  actor: string;
  /** "client update", "user disable", … */
  action: string;
  about: 'client' | 'user' | 'setting';
  /** The client id or username the change is about, when known before it runs. */
  subject?: string;
}

export async function audited<T>(audit: AuditLog, what: AdminAction, change: () => Promise<T>, createdId?: (result: T) => string | undefined): Promise<T> {
  const record = (outcome: 'success' | 'failure', id: string | undefined) =>
    audit.record({ type: 'admin', outcome, actor: what.actor, action: what.action, ...(what.about === 'setting' ? {} : { [what.about]: id }) });
  try {
    const result = await change();
    record('success', createdId?.(result) ?? what.subject);
    return result;
  } catch (err) {
    record('failure', what.subject);
    throw err;
  }
}
