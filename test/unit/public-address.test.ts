import { describe, expect, test } from '@jest/globals';
import { isPublicAddress } from '../../src/http/public-address.js';

describe('isPublicAddress', () => {
  test.each([
    '0.0.0.0',
    '10.0.0.1',
    '10.255.255.255',
    '100.64.0.1',
    '127.0.0.1',
    '127.8.9.10',
    '169.254.169.254',
    '172.16.0.1',
    '172.31.255.254',
    '192.0.2.10',
    '192.168.1.1',
    '198.18.0.1',
    '198.51.100.7',
    '203.0.113.9',
    '224.0.0.251',
    '255.255.255.255',
    '::',
    '::1',
    '[::1]',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd12:3456:789a::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.1.2.3',
    '::ffff:169.254.169.254',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b::10.0.0.1',
    '2001:db8::1',
    '2001::1',
    '2002:7f00:1::1',
    '::127.0.0.1',
    'localhost',
    'not an address',
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  test.each(['1.1.1.1', '8.8.8.8', '93.184.215.14', '172.32.0.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    '%s is public',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );

  test('development may allow loopback, and nothing else private', () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(isPublicAddress(address, { allowLoopback: true })).toBe(true);
    for (const address of ['10.0.0.1', '169.254.169.254', 'fc00::1', 'fe80::1', '::ffff:192.168.0.1']) expect(isPublicAddress(address, { allowLoopback: true })).toBe(false);
  });
});
