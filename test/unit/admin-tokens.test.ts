/** Admin tokens' public ids: what an operator types after `admin-token revoke`, so never something read as an option. */
import { describe, expect, test } from '@jest/globals';
import { AdminTokens, type AdminTokenRecord } from '../../src/accounts/admin-tokens.js';
import { MemoryCollectionSet } from '../../src/storage/memory-collection.js';

describe('admin token ids', () => {
  test('are 16 hex digits (a base64url id began with "-" one time in 64), unique, and revoke their token', async () => {
    const tokens = new AdminTokens(new MemoryCollectionSet().collection<AdminTokenRecord>('admin-tokens'));
    const made = await Promise.all(Array.from({ length: 100 }, (_, i) => tokens.create(`t${i}`)));
    const listed = await tokens.list();
    expect(listed).toHaveLength(100);
    for (const { id } of listed) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(listed.map((t) => t.id)).size).toBe(100);

    const target = listed.find((t) => t.name === 't42')!;
    expect((await tokens.revoke(target.id)).map((t) => t.name)).toEqual(['t42']);
    expect(await tokens.verify(made[42]!.token)).toBeUndefined();
    expect(await tokens.verify(made[41]!.token)).toMatchObject({ name: 't41' });
  });
});
