/**
 * The IPv4 neighbour table behind add-mac: /proc/net/arp parsed (complete entries only), and read
 * again when an address is missing (at most once a second) or the table is 90 s old.
 */
import { describe, it, after } from 'node:test';
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NeighbourTable, parseArpTable, PROC_ARP } from '../../../src/edns/neighbours.js';

const HEAD = 'IP address       HW type     Flags       HW address            Mask     Device\n';
const line = (ip: string, flags: string, mac: string) => `${ip.padEnd(17)}0x1         ${flags.padEnd(12)}${mac}     *        eth0\n`;

describe('parseArpTable', () => {
  it('keeps complete entries (ATF_COM) with a hardware address', () => {
    const t = parseArpTable(HEAD
      + line('192.0.2.1', '0x2', '02:fc:00:00:00:05')
      + line('192.0.2.2', '0x6', 'AA:BB:CC:DD:EE:FF')
      + line('192.0.2.3', '0x0', '00:00:00:00:00:00')
      + line('192.0.2.4', '0x2', '00:00:00:00:00:00')
      + line('192.0.2.5', '0x2', 'zz:00:00:00:00:00'));
    assert.deepEqual([...t.keys()], ['192.0.2.1', '192.0.2.2']);
    assert.equal(t.get('192.0.2.1')!.toString('hex'), '02fc00000005');
    assert.equal(t.get('192.0.2.2')!.toString('hex'), 'aabbccddeeff');
  });
  it('reads an empty table', () => assert.equal(parseArpTable(HEAD).size, 0));
  it('reads this host\'s own table without throwing', { skip: !existsSync(PROC_ARP) && 'no /proc/net/arp' }, () => {
    for (const mac of parseArpTable(readFileSync(PROC_ARP, 'latin1')).values()) assert.ok(mac.length > 0);
  });
});

describe('NeighbourTable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fandns-arp-'));
  const file = join(dir, 'arp');
  after(() => rmSync(dir, { recursive: true, force: true }));
  let now = 0;
  const table = () => new NeighbourTable(file, () => {}, () => now);

  it('finds a neighbour, and nothing for IPv6 clients or strangers', () => {
    now = 0;
    writeFileSync(file, HEAD + line('127.0.0.5', '0x6', '02:00:00:00:00:01'));
    const t = table();
    assert.equal(t.lookup('127.0.0.5')?.toString('hex'), '020000000001');
    assert.equal(t.lookup('::ffff:127.0.0.5')?.toString('hex'), '020000000001');
    assert.equal(t.lookup('127.0.0.6'), null);
    assert.equal(t.lookup('fe80::1'), null);
  });

  it('reads again for a missing address, but not within a second', () => {
    now = 10_000;
    writeFileSync(file, HEAD);
    const t = table();
    assert.equal(t.lookup('127.0.0.7'), null);
    writeFileSync(file, HEAD + line('127.0.0.7', '0x2', '02:00:00:00:00:07'));
    now += 500;
    assert.equal(t.lookup('127.0.0.7'), null, 'read half a second ago');
    now += 600;
    assert.equal(t.lookup('127.0.0.7')?.toString('hex'), '020000000007');
  });

  it('reads again after 90 s, so a changed MAC is seen', () => {
    now = 0;
    writeFileSync(file, HEAD + line('127.0.0.8', '0x2', '02:00:00:00:00:08'));
    const t = table();
    assert.equal(t.lookup('127.0.0.8')?.toString('hex'), '020000000008');
    writeFileSync(file, HEAD + line('127.0.0.8', '0x2', '02:00:00:00:00:88'));
    now = 89_000;
    assert.equal(t.lookup('127.0.0.8')?.toString('hex'), '020000000008');
    now = 90_000;
    assert.equal(t.lookup('127.0.0.8')?.toString('hex'), '020000000088');
  });

  it('reports a listing it cannot read, and finds nothing', () => {
    const errors: Error[] = [];
    const t = new NeighbourTable(join(dir, 'missing'), (e) => errors.push(e), () => 0);
    assert.equal(t.lookup('127.0.0.5'), null);
    assert.equal(errors.length, 1);
  });
});
