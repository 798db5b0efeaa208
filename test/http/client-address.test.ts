import { budgetKeyOf } from '../../src/http/client-address';

/** Budgets belong to an IPv4 address, or to an IPv6 address's /64: what a single customer gets. */
test.each([
  ['IPv4', '192.0.2.1', '192.0.2.1'],
  ['IPv6 written in full', '2001:0db8:0001:0002:0003:0004:0005:0006', '2001:db8:1:2::/64'],
  ['IPv6 compressed, :: in the interface', '2001:db8:1:2::7', '2001:db8:1:2::/64'],
  ['IPv6 compressed, :: in the prefix', '2001:db8::1:2:3:4', '2001:db8:0:0::/64'],
  ['IPv6 in capitals', '2001:DB8:A:B:C::D', '2001:db8:a:b::/64'],
  ['IPv6 loopback', '::1', '0:0:0:0::/64'],
  ['IPv6 with a zone id', 'fe80::1%eth0', 'fe80:0:0:0::/64'],
  ['IPv4-mapped IPv6', '::ffff:192.0.2.1', '192.0.2.1'],
  ['IPv4-mapped IPv6, in hexadecimal', '0:0:0:0:0:FFFF:c000:0201', '192.0.2.1'],
  ['NAT64, a dotted tail but not mapped', '64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
  ['not an address', 'unknown', 'unknown'],
])('%s: %s → %s', (_, address, key) => {
  expect(budgetKeyOf(address)).toBe(key);
});

test('the addresses of one /64 share a key, the next /64 has its own', () => {
  expect(budgetKeyOf('2001:db8:1:2::1')).toBe(budgetKeyOf('2001:db8:1:2:ffff:ffff:ffff:ffff'));
  expect(budgetKeyOf('2001:db8:1:2::1')).not.toBe(budgetKeyOf('2001:db8:1:3::1'));
});
