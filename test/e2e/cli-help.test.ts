/** The command line's help and usage errors: they need no Redis, so they run without a provider. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from '@jest/globals';
import { COMMANDS } from '../../src/cli/commands/index.js';
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

  test.each(COMMANDS.map((c) => [c.name]))('%s --help prints its own help, the same as help NAME', async (name) => {
    const own = await runCli([name, '--help'], env);
    expect(own).toMatchObject({ code: 0, stderr: '' });
    expect(own.stdout).toMatch(new RegExp(`^usage: oidc-op ${name}[ \n]`));
    expect(own.stdout).not.toContain('usage: oidc-op <command>');
    expect((await runCli(['help', name], env)).stdout).toBe(own.stdout);
  });

  test('an unknown or missing action is a usage error at once, with the nearest action, before Redis is needed', async () => {
    const typo = await runCli(['user', 'craete', '--username', 'x'], env);
    expect(typo).toMatchObject({ code: 2, stdout: '' });
    const [first, ...rest] = typo.stderr.trimEnd().split('\n');
    expect(first).toBe('oidc-op: unknown user action craete (did you mean create?)');
    expect(rest[0]).toBe('usage: oidc-op user ACTION [options] [--json]');
    expect(typo.stderr).not.toContain('client create');
    expect((await runCli(['keys', 'rotat'], env)).stderr.split('\n')[0]).toBe('oidc-op: unknown keys action rotat (did you mean rotate?)');
    const missing = await runCli(['settings'], env);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr.split('\n')[0]).toBe('oidc-op: settings: missing action (show, set)');
  });

  test('npx oidc-op --help works from the project directory', async () => {
    const root = join(import.meta.dirname, '..', '..');
    const { stdout } = await promisify(execFile)('npx', ['oidc-op', '--help'], { cwd: root, env: { ...process.env, npm_config_offline: 'true' } });
    expect(stdout).toBe((await runCli(['--help'], env)).stdout);
  });
});
