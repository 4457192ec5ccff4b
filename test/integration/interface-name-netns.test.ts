/**
 * interface-name, dynamic-host and localise-queries while interface addresses change (root only;
 * skipped otherwise): fandns runs in a network namespace of its own with veth interfaces, and the
 * test adds and removes addresses and takes links up and down while it runs, asking with dig
 * inside. Answers follow the interfaces within fandns's re-reading window (250 ms; the test
 * polls for up to 3 s), for names and PTRs alike, without a forward query first. A link that is
 * down gives no addresses. localise-queries answers by the address a query was sent to, over
 * UDP and TCP.
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import type { DigResult } from '../helpers/dig.js';
import { skipUnlessRoot } from '../helpers/proc.js';
import { skipUnless } from '../helpers/tools.js';
import { createVethLab, eventually, type VethLab } from '../helpers/veth-lab.js';

const PORT = 5301;
const data = (r: DigResult) => r.answer.map((a) => a.data).sort();

describe('interface names follow interface changes (network namespace)', { skip: skipUnlessRoot() || skipUnless('ip', 'dig') }, () => {
  let unavailable: string | null = null;
  let lab: VethLab | null = null;
  let fandns: CliProcess | null = null;
  let dir = '';
  const skipIfUnavailable = (t: TestContext) => {
    if (unavailable) t.skip(unavailable);
    return unavailable !== null;
  };
  const dig = (name: string, type = 'A', server = '127.0.0.1', extra: string[] = []) => lab!.dig(server, PORT, ['+norec', ...extra, name, type]);

  before(async () => {
    try {
      lab = createVethLab();
      await lab.addVeth('d0', ['10.1.0.5/24', '10.2.0.5/16', '2001:db8:1::5/64']);
      await lab.addVeth('d1', ['10.9.0.1/24'], false);
    } catch (err) {
      unavailable = `cannot set up the namespace: ${(err as Error).message.split('\n')[0]}`;
      return;
    }
    dir = mkdtempSync(join(tmpdir(), 'fandns-ifname-'));
    writeFileSync(join(dir, 'hosts'), '10.1.0.7 multi.lan\n10.2.0.7 multi.lan\n192.0.2.7 multi.lan\n');
    writeFileSync(join(dir, 'fandns.conf'), [
      'no-resolv', 'no-hosts', `addn-hosts=${join(dir, 'hosts')}`, `port=${PORT}`,
      'listen-address=127.0.0.1', 'listen-address=10.1.0.5', 'listen-address=10.2.0.5',
      'interface-name=gw.lan,d0', 'interface-name=down.lan,d1', 'dynamic-host=dyn.lan,0.0.0.8,::8,d0', 'localise-queries',
    ].join('\n'));
    fandns = await startCli(['-C', join(dir, 'fandns.conf')], 10_000, undefined, lab.ns.wrapper);
  });

  after(async () => {
    await fandns?.stop();
    await lab?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers the interface\'s addresses and their PTRs', async (t) => {
    if (skipIfUnavailable(t)) return;
    assert.deepEqual(data(await dig('gw.lan')), ['10.1.0.5', '10.2.0.5']);
    assert.deepEqual(data(await dig('gw.lan', 'AAAA')), ['2001:db8:1::5']);
    assert.deepEqual(data(await dig('dyn.lan')), ['10.1.0.8', '10.2.0.8']);
    assert.deepEqual(data(await dig('5.0.2.10.in-addr.arpa', 'PTR')), ['gw.lan.']);
  });

  it('an address added at runtime answers, its PTR too even before any forward question', async (t) => {
    if (skipIfUnavailable(t)) return;
    await lab!.ip('addr', 'add', '10.3.0.5/24', 'dev', 'd0');
    const ptr = await eventually(() => dig('5.0.3.10.in-addr.arpa', 'PTR'), (r) => r.answer.length > 0);
    assert.deepEqual(data(ptr), ['gw.lan.']);
    assert.deepEqual(data(await dig('8.0.3.10.in-addr.arpa', 'PTR')), ['dyn.lan.']);
    assert.deepEqual(data(await dig('gw.lan')), ['10.1.0.5', '10.2.0.5', '10.3.0.5']);
    assert.deepEqual(data(await dig('dyn.lan')), ['10.1.0.8', '10.2.0.8', '10.3.0.8']);
  });

  it('an address removed at runtime goes, from names and PTRs', async (t) => {
    if (skipIfUnavailable(t)) return;
    await lab!.ip('addr', 'del', '10.3.0.5/24', 'dev', 'd0');
    const a = await eventually(() => dig('gw.lan'), (r) => r.answer.length === 2);
    assert.deepEqual(data(a), ['10.1.0.5', '10.2.0.5']);
    const ptr = await dig('5.0.3.10.in-addr.arpa', 'PTR');
    assert.notDeepEqual(data(ptr), ['gw.lan.']);
  });

  it('a link that is down gives no addresses (NODATA); up, it gives its own', async (t) => {
    if (skipIfUnavailable(t)) return;
    const down = await dig('down.lan');
    assert.deepEqual([down.status, down.flags.includes('aa'), down.answer.length], ['NOERROR', true, 0]);
    await lab!.ip('link', 'set', 'd1', 'up');
    assert.deepEqual(data(await eventually(() => dig('down.lan'), (r) => r.answer.length > 0)), ['10.9.0.1']);
    await lab!.ip('link', 'set', 'd1', 'down');
    assert.deepEqual(data(await eventually(() => dig('down.lan'), (r) => r.answer.length === 0)), []);
  });

  it('localise-queries: the address a query was sent to picks the subnet, over UDP and TCP', async (t) => {
    if (skipIfUnavailable(t)) return;
    assert.deepEqual(data(await dig('multi.lan', 'A', '10.1.0.5')), ['10.1.0.7']);
    assert.deepEqual(data(await dig('multi.lan', 'A', '10.2.0.5', ['+tcp'])), ['10.2.0.7']);
    assert.deepEqual(data(await dig('multi.lan', 'A', '127.0.0.1')), ['10.1.0.7', '10.2.0.7', '192.0.2.7']);
    assert.deepEqual(data(await dig('gw.lan', 'A', '10.2.0.5')), ['10.2.0.5']);
    assert.deepEqual(data(await dig('dyn.lan', 'A', '10.1.0.5')), ['10.1.0.8']);
    assert.deepEqual(data(await dig('gw.lan', 'AAAA', '10.1.0.5')), ['2001:db8:1::5']);
  });
});
