/** An admin API change: run as the calling admin, written to the audit trail whether done or refused. */
import type { Context } from 'koa';
import type { AuditLog } from '../../audit/audit.js';
import { audited, type AdminAction } from '../../audit/audited.js';
import { actorOf } from './auth.js';

export type Change = <T>(ctx: Context, action: string, about: AdminAction['about'], run: () => Promise<T>, createdId?: (r: T) => string | undefined) => Promise<T>;

/** The subject is the client id or username of the path, when the path names one. */
export const auditedChange =
  (audit: AuditLog): Change =>
  (ctx, action, about, run, createdId) =>
    audited(audit, { actor: actorOf(ctx), action, about, subject: ctx.params.id ?? ctx.params.username }, run, createdId);

/** A JSON body handed to a store, which validates every field itself and names what is wrong. */
export const unchecked = <T>(body: Record<string, unknown>) => body as T;
