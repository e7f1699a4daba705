/** The command line's help and usage errors: they need no Redis, so they run without a provider. */
import { describe, expect, test } from '@jest/globals';
import { runCli } from '../support/cli.js';

const env = { NODE_ENV: 'test' };

describe('oidc-op help', () => {
  test('help prints the manual: every command group, exit 0', async () => {
    const result = await runCli(['help'], env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^usage: oidc-op <command> \[options\] \[--json\]\n/);
    for (const group of ['client create', 'user create', 'scope create', 'keys list', 'settings show', 'audit tail', 'admin-token create', 'export', 'import FILE', 'registration-token create']) {
      expect(result.stdout).toContain(`  ${group}`);
    }
    expect((await runCli([], env)).stdout).toBe(result.stdout);
    expect((await runCli(['--help'], env)).stdout).toBe(result.stdout);
  });

  test('help client and client --help print the client synopsis and notes, not the whole manual', async () => {
    const help = await runCli(['help', 'client'], env);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: oidc-op client ACTION/);
    expect(help.stdout).toContain('client rotate-secret ID');
    expect(help.stdout).toContain('CLIENT OPTIONS');
    expect(help.stdout).not.toContain('user create');
    expect((await runCli(['client', '--help'], env)).stdout).toBe(help.stdout);
    expect((await runCli(['client', '-h'], env)).stdout).toBe(help.stdout);
  });

  test('client create --help shows that one action', async () => {
    const result = await runCli(['client', 'create', '--help'], env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^usage: oidc-op client create --name NAME --redirect-uri URI… --response-type TYPE…/);
    expect(result.stdout).not.toContain('client update');
    expect((await runCli(['help', 'client', 'create'], env)).stdout).toBe(result.stdout);
  });

  test('an unknown command suggests the nearest known one, exit 2', async () => {
    const result = await runCli(['clinet', 'list'], env);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr.split('\n')[0]).toBe('oidc-op: unknown command clinet (did you mean client?)');
    expect((await runCli(['help', 'usr'], env)).stderr).toContain('unknown command usr (did you mean user?)');
    expect((await runCli(['frobnicate'], env)).stderr.split('\n')[0]).toBe('oidc-op: unknown command frobnicate');
  });

  test('a usage error prints one line and that command\'s synopsis, not the manual', async () => {
    const result = await runCli(['scope', 'create', '--bogus'], env);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    const [first, ...rest] = result.stderr.trimEnd().split('\n');
    expect(first).toMatch(/^oidc-op: Unknown option '--bogus'/);
    expect(rest.join('\n')).toBe((await runCli(['help', 'scope'], env)).stdout.split('\n\n').slice(0, 2).join('\n\n'));
    expect(result.stderr).toContain('usage: oidc-op scope');
    expect(result.stderr).not.toContain('client create');
  });
});
