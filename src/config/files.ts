/**
 * Reading the files configuration names: config/clients.json, scopes.json and demo.json, and the key files, with
 * errors that name the file (as the operator would type it) and the field at fault.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { clientConfigSchema, type ClientConfig } from './client-schema.js';
import { parseWith } from './issues.js';
import { scopeConfigSchema, type ScopeConfig } from './scope-schema.js';
import { SettingsError } from './settings-error.js';
import { userConfigSchema, type UserConfig } from './user-schema.js';

/** A path as messages show it: inside the working directory relative (config/clients.json), others absolute. */
export function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

export function readJsonFile(file: string, label: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SettingsError(`${label}: cannot read ${file} (${(err as NodeJS.ErrnoException).code})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SettingsError(`${label}: ${file} is not valid JSON (${(err as Error).message})`);
  }
}

export function readTextFile(file: string, label: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new SettingsError(`${label}: cannot read ${file} (${(err as NodeJS.ErrnoException).code})`);
  }
}

function uniqueClientIds(clients: ClientConfig[], label: string): void {
  const seen = new Set<string>();
  clients.forEach((c, i) => {
    if (seen.has(c.client_id)) throw new SettingsError(`${label} [${i}].client_id: duplicate client_id ${c.client_id}`);
    seen.add(c.client_id);
  });
}

/** The declarative clients of `configDir`/clients.json (none when the file is absent), each client_id once. */
export function readClients(configDir: string): ClientConfig[] {
  const clientsFile = join(configDir, 'clients.json');
  const clients = existsSync(clientsFile)
    ? parseWith(z.array(clientConfigSchema), readJsonFile(clientsFile, 'config'), shown(clientsFile))
    : [];
  uniqueClientIds(clients, shown(clientsFile));
  return clients;
}

/** The scopes of `configDir`/scopes.json (none when the file is absent), each id once. */
export function readScopes(configDir: string): ScopeConfig[] {
  const scopesFile = join(configDir, 'scopes.json');
  const scopes = existsSync(scopesFile) ? parseWith(z.array(scopeConfigSchema), readJsonFile(scopesFile, 'config'), shown(scopesFile)) : [];
  const scopeIds = new Set<string>();
  scopes.forEach((scope, i) => {
    if (scopeIds.has(scope.id)) throw new SettingsError(`${shown(scopesFile)} [${i}].id: duplicate scope ${scope.id}`);
    scopeIds.add(scope.id);
  });
  return scopes;
}

const demoSchema = z
  .object({
    clients: z.array(clientConfigSchema).default([]),
    users: z.array(userConfigSchema).default([]),
  })
  .strict();

/** The demo clients and users of `configDir`/demo.json; no client_id may repeat one of clients.json. */
export function readDemo(configDir: string, clients: ClientConfig[]): { clients: ClientConfig[]; users: UserConfig[] } {
  const demoFile = join(configDir, 'demo.json');
  const parsedDemo = parseWith(demoSchema, readJsonFile(demoFile, 'DEMO'), shown(demoFile));
  uniqueClientIds([...clients, ...parsedDemo.clients], `${shown(join(configDir, 'clients.json'))} + ${shown(demoFile)}`);
  return { clients: parsedDemo.clients, users: parsedDemo.users };
}
