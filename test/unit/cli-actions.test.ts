/** The actions each command's synopsis lists, and the usage errors for an action it does not. */
import { describe, expect, test } from '@jest/globals';
import { COMMANDS, commandNamed } from '../../src/cli/commands/index.js';
import { actionsOf, requireAction } from '../../src/cli/help.js';

const named = (name: string) => commandNamed(name)!;

describe('actions of a command', () => {
  test('are read from the synopsis, prose excluded', () => {
    expect(actionsOf(named('client'))).toEqual(['create', 'update', 'list', 'show', 'enable', 'disable', 'rotate-secret', 'delete']);
    expect(actionsOf(named('user'))).toEqual(['create', 'update', 'list', 'show', 'enable', 'disable', 'set-password', 'delete', 'sessions', 'sign-out', 'consents', 'revoke-consent', 'unlink', 'mfa']);
    expect(actionsOf(named('settings'))).toEqual(['show', 'set']);
    // "(an import is validated…)" in its synopsis is prose; FILE is an argument.
    expect(actionsOf(named('import'))).toEqual([]);
    expect(actionsOf(named('export'))).toEqual([]);
  });

  test('each action with its own help is one the synopsis lists', () => {
    for (const command of COMMANDS) {
      for (const action of Object.keys(command.actions ?? {})) expect(actionsOf(command)).toContain(action);
    }
  });

  test('a listed action passes; an unknown one names the nearest; a missing one lists them all', () => {
    expect(() => requireAction(named('keys'), 'rotate')).not.toThrow();
    expect(() => requireAction(named('import'), 'backup.json')).not.toThrow();
    expect(() => requireAction(named('keys'), 'rotat')).toThrow('unknown keys action rotat (did you mean rotate?)');
    expect(() => requireAction(named('keys'), 'frobnicate')).toThrow(/^unknown keys action frobnicate$/);
    expect(() => requireAction(named('audit'), undefined)).toThrow('audit: missing action (tail)');
  });
});
