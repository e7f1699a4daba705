import { describe, expect, test } from '@jest/globals';
import { defaultsFrom, parseSetting, registrationOf } from '../../src/settings/provider-settings.js';
import { loadSettings } from '../../src/config/settings.js';
import { FIXTURES_CONFIG } from '../support/provider.js';

describe('registration settings', () => {
  const defaults = defaultsFrom(loadSettings({ CONFIG_DIR: FIXTURES_CONFIG }));

  test('off by default, and asking for an initial access token once on', () => {
    expect(registrationOf(defaults)).toEqual({ 'registration.enabled': false, 'registration.initial_access_token': true });
  });

  test.each([
    ['registration.enabled', 'true', true],
    ['registration.enabled', 'false', false],
    ['registration.initial_access_token', 'false', false],
  ])('%s %s', (key, text, value) => {
    expect(parseSetting(key, text, defaults)).toEqual([key, value]);
  });

  test('anything but true or false is refused, naming the key', () => {
    expect(() => parseSetting('registration.enabled', 'yes', defaults)).toThrow('registration.enabled: true or false');
  });
});
