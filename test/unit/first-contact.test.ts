/** The pure parts of a first contact: the bootstrap settings, the first administrator rule, declared clients, the CLI endpoint's address rules. */
import { describe, expect, test } from '@jest/globals';
import { ensureFirstAdmin } from '../../src/accounts/first-admin.js';
import { passwordHasher } from '../../src/accounts/passwords.js';
import { Users, type UserRecord } from '../../src/accounts/users.js';
import { isLoopback } from '../../src/admin/api/cli-endpoint.js';
import { DeclaredClients, ReadOnlyClientError } from '../../src/clients/declared-clients.js';
import { loopbackUrl } from '../../src/cli/token-file.js';
import { cliTokenFile, readBootstrapAdmin } from '../../src/config/first-contact.js';
import { MemoryCollection } from '../../src/storage/memory-collection.js';

const users = () => new Users(new MemoryCollection<UserRecord>(), passwordHasher({ memoryCost: 8192, timeCost: 1, parallelism: 1 }));

describe('BOOTSTRAP_ADMIN_*', () => {
  test('a username and a password make the first administrator; neither, none', () => {
    expect(readBootstrapAdmin({ BOOTSTRAP_ADMIN_USERNAME: 'root', BOOTSTRAP_ADMIN_PASSWORD: 'pw-123456789' })).toEqual({ username: 'root', password: 'pw-123456789' });
    expect(readBootstrapAdmin({})).toBeUndefined();
  });

  test('half a pair, or both password variables, is refused naming them', () => {
    expect(() => readBootstrapAdmin({ BOOTSTRAP_ADMIN_USERNAME: 'root' })).toThrow('BOOTSTRAP_ADMIN_USERNAME: needs BOOTSTRAP_ADMIN_PASSWORD or BOOTSTRAP_ADMIN_PASSWORD_FILE');
    expect(() => readBootstrapAdmin({ BOOTSTRAP_ADMIN_PASSWORD_FILE: '/x' })).toThrow('BOOTSTRAP_ADMIN_PASSWORD_FILE: needs BOOTSTRAP_ADMIN_USERNAME');
    expect(() => readBootstrapAdmin({ BOOTSTRAP_ADMIN_USERNAME: 'root', BOOTSTRAP_ADMIN_PASSWORD: 'a', BOOTSTRAP_ADMIN_PASSWORD_FILE: '/x' })).toThrow('set one of them, not both');
  });

  test('the token file defaults under the working directory; a relative CLI_TOKEN_FILE is taken from there', () => {
    expect(cliTokenFile({}, '/srv/op')).toBe('/srv/op/.oidc-op/cli-token');
    expect(cliTokenFile({ CLI_TOKEN_FILE: 'run/token' }, '/srv/op')).toBe('/srv/op/run/token');
  });
});

describe('the first administrator', () => {
  test('created only while no administrator exists; a plain user of that name is never promoted', async () => {
    const store = users();
    expect(await ensureFirstAdmin(store, undefined)).toEqual({ outcome: 'none' });
    await store.create({ username: 'root', password: 'plain-user-pw' });
    expect(await ensureFirstAdmin(store, { username: 'root', password: 'admin-pw-123' })).toEqual({ outcome: 'taken', username: 'root', admin: false });
    expect((await store.require('root')).role).toBe('user');
    expect(await ensureFirstAdmin(store, { username: 'boss', password: 'admin-pw-123' })).toEqual({ outcome: 'created', username: 'boss' });
    expect(await ensureFirstAdmin(store, { username: 'other', password: 'admin-pw-123' })).toEqual({ outcome: 'present' });
    expect((await store.list()).map((u) => u.username)).toEqual(['boss', 'root']);
  });

  test('instances racing on one store: one creates, the others find the name taken by an administrator', async () => {
    const store = users();
    const outcomes = await Promise.all([1, 2, 3].map(() => ensureFirstAdmin(store, { username: 'root', password: 'admin-pw-123' })));
    expect(outcomes.filter((o) => o.outcome === 'created')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome !== 'created')).toEqual([expect.objectContaining({ outcome: 'taken', admin: true }), expect.objectContaining({ outcome: 'taken', admin: true })]);
  });
});

describe('declared clients', () => {
  const declared = DeclaredClients.of({
    clients: [{ client_id: 'spa', client_name: 'SPA', redirect_uris: ['https://a.example/cb'], response_types: ['id_token token'] } as never],
    demo: { clients: [{ client_id: 'demo-spa', redirect_uris: ['http://localhost:4000/'], response_types: ['code'] } as never] },
    sources: { clients: 'config/clients.json', demo: 'config/demo.json' },
  });

  test('listed with their source and grant types; a change to one is refused naming its file', () => {
    expect(declared.list().map((c) => [c.metadata.client_id, c.source, c.metadata.grant_types])).toEqual([
      ['spa', 'config', ['implicit']],
      ['demo-spa', 'demo', ['authorization_code']],
    ]);
    expect(() => declared.refuseChange('demo-spa')).toThrow(ReadOnlyClientError);
    expect(() => declared.refuseChange('spa')).toThrow('client spa: declared in config/clients.json, read-only here (change it in that file and restart)');
    expect(() => declared.refuseChange('other')).not.toThrow();
  });
});

describe('the command line endpoint', () => {
  test('loopback is 127.0.0.0/8 and ::1, also IPv4-mapped; nothing else', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopback(address)).toBe(true);
    for (const address of ['10.0.0.1', '::ffff:10.0.0.1', '0.0.0.0', '::', '', undefined, '1270.0.0.1']) expect(isLoopback(address)).toBe(false);
  });

  test('a server on every address is reached on loopback', () => {
    expect(loopbackUrl('0.0.0.0', 3000)).toBe('http://127.0.0.1:3000');
    expect(loopbackUrl('::', 3000)).toBe('http://127.0.0.1:3000');
    expect(loopbackUrl('::1', 3001)).toBe('http://[::1]:3001');
    expect(loopbackUrl('127.0.0.1', 80)).toBe('http://127.0.0.1:80');
  });
});
