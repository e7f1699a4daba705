/** `--password-stdin` at a terminal: the password is asked for, twice, and never shown; the user can then sign in. */
import { describe, expect, test } from '@jest/globals';
import { jsonOf, runCli } from '../support/cli.js';
import { authorizeUrl, signIn } from '../support/flows.js';
import { useProvider } from '../support/provider.js';
import { runCliOnTerminal } from '../support/terminal.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const fixture = useProvider();
const cliEnv = () => ({ REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test', ARGON2_MEMORY_KIB: '8192', ARGON2_TIME_COST: '1' });

async function signsIn(username: string, password: string): Promise<boolean> {
  const url = authorizeUrl(fixture.op.issuer, { client_id: 'spa-both', response_type: 'id_token', scope: 'openid', redirect_uri: 'https://rp.example.test/cb', nonce: 'n1', state: 's1' });
  const final = await signIn(new UserAgent(fixture.op.issuer), url, { username, password });
  return final.status === 302 && fragmentParams(final.location).has('id_token');
}

describe('oidc-op --password-stdin at a terminal', () => {
  test('user create prompts twice without echo; the password is not on the screen and signs in', async () => {
    const password = 'typed-at-the-terminal-7';
    const result = await runCliOnTerminal(['user', 'create', '--username', 'tess', '--password-stdin', '--json'], cliEnv(), [
      ['Password: ', `${password}\r`],
      ['Password again: ', `${password}\r`],
    ]);
    expect(result).toMatchObject({ code: 0, unanswered: [] });
    expect(result.output).not.toContain(password);
    expect(result.output).toContain('"username":"tess"');
    expect(await signsIn('tess', password)).toBe(true);
  });

  test('two entries that differ change nothing', async () => {
    const result = await runCliOnTerminal(['user', 'create', '--username', 'tom', '--password-stdin'], cliEnv(), [
      ['Password: ', 'first-entry-1234\r'],
      ['Password again: ', 'second-entry-1234\r'],
    ]);
    expect(result.code).toBe(1);
    expect(result.output).toContain('oidc-op: password: the two entries differ; nothing was changed');
    expect(result.output).not.toMatch(/first-entry|second-entry/);
    const shown = await runCli(['user', 'show', 'tom'], cliEnv());
    expect(shown).toMatchObject({ code: 1, stdout: '' });
    expect(shown.stderr).toMatch(/tom/);
  });

  test('set-password at a terminal: backspace edits what is typed, a cursor key is no part of it, and the new password replaces the old', async () => {
    const created = await runCli(['user', 'create', '--username', 'tara', '--password-stdin', '--json'], cliEnv(), 'piped-password-123\n');
    expect(jsonOf(created).username).toBe('tara');
    const result = await runCliOnTerminal(['user', 'set-password', 'tara', '--password-stdin'], cliEnv(), [
      ['Password: ', 'new-password-456X\u007f\u001b[D\r'],
      ['Password again: ', 'new-password-456\r'],
    ]);
    expect(result).toMatchObject({ code: 0, unanswered: [] });
    expect(result.output).toContain('password of tara changed');
    expect(result.output).not.toContain('new-password');
    expect(await signsIn('tara', 'new-password-456')).toBe(true);
    expect(await signsIn('tara', 'piped-password-123')).toBe(false);
  });
});
