/**
 * formatIp: address text as glibc's inet_ntop writes it (the expected strings were printed by
 * Python's socket.inet_ntop, which calls it), since dnsmasq's synthesised names are made from it.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { formatIp, ipBytes } from '../../../src/util/ip.js';

describe('formatIp (glibc inet_ntop)', () => {
  const rows: [string, string][] = [
    ['192.168.0.56', '192.168.0.56'],
    ['0.0.0.0', '0.0.0.0'],
    ['2001:0db8:0001:0000:0000:0000:0000:0056', '2001:db8:1::56'],
    ['::', '::'],
    ['::1', '::1'],
    ['::2', '::2'],
    ['::1.2.3.4', '::1.2.3.4'],
    ['::0.1.0.0', '::0.1.0.0'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::ffff:0:0', '::ffff:0.0.0.0'],
    ['::ffff:1:2', '::ffff:0.1.0.2'],
    ['::fffe:1.2.3.4', '::fffe:102:304'],
    ['0:0:0:0:1:ffff:1:2', '::1:ffff:1:2'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
    ['1:0:1:1:1:1:1:1', '1:0:1:1:1:1:1:1'],
    ['0:0:1::', '0:0:1::'],
    ['FE80::ABCD', 'fe80::abcd'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ];
  for (const [input, want] of rows) it(`${input} → ${want}`, () => assert.equal(formatIp(ipBytes(input)), want));
});
