/**
 * Whether the server may connect to an address on behalf of what a client registered (its logo): only public
 * unicast addresses, never private, loopback, link-local, unique-local, CGNAT, documentation, multicast or
 * reserved ones, also when an IPv6 address carries an IPv4 one (::ffff:10.0.0.1, 64:ff9b::7f00:1). Pure.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

const notPublicV4 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  notPublicV4.addSubnet(network, prefix, 'ipv4');
}

// IPv6: public unicast is 2000::/3, less the blocks inside it that are not (or that tunnel to anywhere).
const globalUnicast = new BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');
const notPublicV6 = new BlockList();
for (const [network, prefix] of [
  ['2001::', 23], // protocol assignments: Teredo, benchmarking, ORCHID
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: an IPv4 address of any kind inside
  ['3fff::', 20], // documentation
] as const) {
  notPublicV6.addSubnet(network, prefix, 'ipv6');
}

const loopbackV4 = new BlockList();
loopbackV4.addSubnet('127.0.0.0', 8, 'ipv4');

/** The eight 16-bit groups of an IPv6 address (with :: and a dotted IPv4 tail expanded). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const first = head ? head.split(':') : [];
  const last = tail ? tail.split(':') : [];
  const groups = tail === undefined ? first : [...first, ...Array<string>(8 - first.length - last.length).fill('0'), ...last];
  return groups.map((g) => parseInt(g, 16));
}

/** The IPv4 address an IPv4-mapped (::ffff:0:0/96) or NAT64 (64:ff9b::/96) address stands for. */
function embeddedIpv4(groups: number[]): string | undefined {
  const prefix = groups
    .slice(0, 6)
    .map((g) => g.toString(16))
    .join(':');
  if (prefix !== '0:0:0:0:0:ffff' && prefix !== '64:ff9b:0:0:0:0') return undefined;
  const [high, low] = [groups[6]!, groups[7]!];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

function publicV4(address: string, allowLoopback: boolean): boolean {
  return !notPublicV4.check(address, 'ipv4') || (allowLoopback && loopbackV4.check(address, 'ipv4'));
}

/** `allowLoopback`: development, where a logo may be served from the host itself. */
export function isPublicAddress(address: string, { allowLoopback = false } = {}): boolean {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''); // brackets of a URL host, an IPv6 zone
  if (isIPv4(ip)) return publicV4(ip, allowLoopback);
  if (!isIPv6(ip)) return false;
  const groups = ipv6Groups(ip);
  const v4 = embeddedIpv4(groups);
  if (v4) return publicV4(v4, allowLoopback);
  if (allowLoopback && groups.join(':') === '0:0:0:0:0:0:0:1') return true;
  return globalUnicast.check(ip, 'ipv6') && !notPublicV6.check(ip, 'ipv6');
}
