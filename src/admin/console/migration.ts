/** The implicit migration report page: what each client did in the last 30 days, and what moves it to code + PKCE. */
import type { ClientRecord } from '../../clients/client-record.js';
import type { Translate } from '../../pages/i18n.js';
import { IMPLICIT_TYPES, type ClientUsageSummary } from '../../clients/usage.js';
import type { AdminServices } from '../services.js';
import { t, type ConsoleMount } from './shared.js';

export type MigrationServices = Pick<AdminServices, 'clients' | 'usage'>;

/** The period the report covers, in days. */
const PERIOD_DAYS = 30;

export interface MigrationRow {
  id: string;
  name: string;
  /** Implicit authorizations (id_token, id_token token) in the period. */
  implicit: number;
  code: number;
  steps: string[];
}

/** Pure: a client that still uses (or may use) the implicit flow, with its last 30 days and the steps that move it to code + PKCE. */
export function migrationRow(record: Pick<ClientRecord, 'metadata'>, usage: ClientUsageSummary | undefined, t: Translate): MigrationRow | undefined {
  const types = record.metadata.response_types ?? [];
  const implicit = IMPLICIT_TYPES.reduce((sum, type) => sum + (usage?.byType[type] ?? 0), 0);
  const registered = types.some((type) => (IMPLICIT_TYPES as readonly string[]).includes(type));
  if (!registered && !implicit) return undefined;
  const steps = [
    ...(types.includes('code') ? [] : [t('admin.migration.step.add_code')]),
    t('admin.migration.step.library'),
    ...(record.metadata.token_endpoint_auth_method === 'none' ? [t('admin.migration.step.public')] : []),
    t(implicit ? 'admin.migration.step.watch' : 'admin.migration.step.remove'),
  ];
  return {
    id: record.metadata.client_id,
    name: record.metadata.client_name ?? record.metadata.client_id,
    implicit,
    code: usage?.byType.code ?? 0,
    steps,
  };
}

/** The clients that still use (or may use) the implicit flow, the busiest first. */
export function migrationRoutes({ router, requireAdmin, page }: ConsoleMount, { clients, usage }: MigrationServices) {
  router.get('/migration', requireAdmin, async (ctx) => {
    const [stored, used] = await Promise.all([clients.list(), usage.summary(PERIOD_DAYS)]);
    // The clients config files declare count too: they may still use the implicit flow.
    const records: Pick<ClientRecord, 'metadata'>[] = [...clients.declared.list(), ...stored];
    const rows = records
      .map((r) => migrationRow(r, used.get(r.metadata.client_id), t(ctx)))
      .filter((row): row is NonNullable<typeof row> => !!row)
      .sort((a, b) => b.implicit - a.implicit);
    page(ctx, 'admin/migration', 'migration', { title: t(ctx)('admin.nav.migration'), rows });
  });
}
