/**
 * server-name-refresh= (src/server-name-refresh.ts) with a scripted lookup: a round gives a new
 * configuration only when a name's set of addresses changed (not when the resolver merely
 * rotates them), a failed name keeps its addresses (a warning the first time, debug after), and
 * ServerNameRefresh runs rounds only when armed with the option and a named server, applies a
 * change with the configuration it came from, and follows what `apply` re-arms it with.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../src/config/load.js';
import { nameKey, withServerAddresses } from '../../src/config/server-names.js';
import type { Config, NamedServers } from '../../src/config/types.js';
import { newRefreshRecord, refreshServerNames, ServerNameRefresh, type LookUpNames } from '../../src/server-name-refresh.js';
import { describeRule } from '../helpers/config.js';
import { memoryLog } from '../helpers/memory-log.js';
import { sleep, waitFor } from '../helpers/wait.js';

type Named = Config & { serverNames: NamedServers };

/** `text` loaded, its names looked up to `found` (name → addresses, both families). */
function loaded(text: string, found: Record<string, string[]>): Named {
  const c = parseConfigText(`no-resolv\n${text}`, 'test.conf');
  return withServerAddresses(c, new Map(Object.entries(found).map(([n, a]) => [nameKey(n, 0), a]))) as Named;
}

/** A lookup answering from `table` (a string: that failure) and counting its calls. */
function scripted(table: () => Record<string, string[] | string>): LookUpNames & { calls: number } {
  const f = Object.assign(async (_c: Config, names: readonly { name: string }[]) => {
    f.calls++;
    return names.map((n) => table()[n.name] ?? 'no address');
  }, { calls: 0 });
  return f;
}

const CONF = 'server=/consul/consul.internal#8600\nserver=/vault/vault.internal\nserver=127.0.0.1#5300';

describe('refreshServerNames', () => {
  it('gives nothing when every name has the same addresses, in any order', async () => {
    const c = loaded(CONF, { 'consul.internal': ['10.0.0.1', '10.0.0.2'], 'vault.internal': ['10.0.1.1'] });
    const record = newRefreshRecord();
    const lookup = scripted(() => ({ 'consul.internal': ['10.0.0.2', '10.0.0.1'], 'vault.internal': ['10.0.1.1'] }));
    assert.equal(await refreshServerNames(c, memoryLog().log, record, lookup), null);
    assert.deepEqual(record.counts, { unchanged: 2, changed: 0, failed: 0 });
  });

  it('gives the configuration with a changed name\'s new addresses, in place, the other rules as they were', async () => {
    const c = loaded(CONF, { 'consul.internal': ['10.0.0.1'], 'vault.internal': ['10.0.1.1'] });
    const log = memoryLog('info');
    const record = newRefreshRecord();
    const fresh = await refreshServerNames(c, log.log, record, scripted(() => ({ 'consul.internal': ['10.0.0.7', '10.0.0.8'], 'vault.internal': ['10.0.1.1'] })));
    assert.ok(fresh !== null);
    assert.deepEqual(fresh.rules.map(describeRule), ['suffix:consul fwd 10.0.0.7#8600', 'suffix:consul fwd 10.0.0.8#8600', 'suffix:vault fwd 10.0.1.1#53', 'default: fwd 127.0.0.1#5300']);
    assert.deepEqual(fresh.serverNames?.rules, c.serverNames.rules, 'the rules as written, to look up again');
    assert.deepEqual(fresh.serverNames?.found.get(nameKey('consul.internal', 0)), ['10.0.0.7', '10.0.0.8']);
    assert.deepEqual(record.counts, { unchanged: 1, changed: 1, failed: 0 });
    assert.deepEqual(log.lines().map((l) => [l.msg, l['host'], l['addresses'], l['before']]),
      [['server name looked up to new addresses', 'consul.internal', ['10.0.0.7', '10.0.0.8'], ['10.0.0.1']]]);
  });

  it('keeps a failed name\'s addresses: a warning the first time, debug while it goes on failing', async () => {
    const c = loaded(CONF, { 'consul.internal': ['10.0.0.1'], 'vault.internal': ['10.0.1.1'] });
    const log = memoryLog('debug');
    const record = newRefreshRecord();
    const table: Record<string, string[] | string> = { 'consul.internal': 'bootstrap-server: bootstrap: SERVFAIL for consul.internal', 'vault.internal': ['10.0.1.9'] };
    const fresh = await refreshServerNames(c, log.log, record, scripted(() => table));
    assert.deepEqual(fresh?.rules.map(describeRule), ['suffix:consul fwd 10.0.0.1#8600', 'suffix:vault fwd 10.0.1.9#53', 'default: fwd 127.0.0.1#5300']);
    assert.equal(await refreshServerNames(fresh as Named, log.log, record, scripted(() => table)), null);
    const failures = log.lines().filter((l) => l['host'] === 'consul.internal');
    assert.deepEqual(failures.map((l) => [l.level, l.msg, l['addresses']]), [
      [40, 'cannot look up server name again; its servers keep their addresses', ['10.0.0.1']],
      [20, 'cannot look up server name again; its servers keep their addresses', ['10.0.0.1']],
    ]);
    assert.match(String(failures[0]!['err']), /SERVFAIL/);
    assert.deepEqual(record.counts, { unchanged: 1, changed: 1, failed: 2 });
    table['consul.internal'] = ['10.0.0.1'];
    await refreshServerNames(fresh as Named, log.log, record, scripted(() => table));
    assert.ok(!record.failing.has(nameKey('consul.internal', 0)), 'a good lookup ends the failing run: the next failure warns again');
  });

  it('adds the rules of a name that had no address (a servers-file line left out at load) once it has one', async () => {
    const c = loaded(CONF, { 'consul.internal': ['10.0.0.1'] });
    assert.deepEqual(c.rules.map(describeRule), ['suffix:consul fwd 10.0.0.1#8600', 'default: fwd 127.0.0.1#5300']);
    const log = memoryLog('warn');
    const record = newRefreshRecord();
    assert.equal(await refreshServerNames(c, log.log, record, scripted(() => ({ 'consul.internal': ['10.0.0.1'] }))), null);
    assert.deepEqual(log.lines(), [], 'still no address: not warned again (the load warned of it)');
    const fresh = await refreshServerNames(c, log.log, record, scripted(() => ({ 'consul.internal': ['10.0.0.1'], 'vault.internal': ['10.0.1.1'] })));
    assert.deepEqual(fresh?.rules.map(describeRule), ['suffix:consul fwd 10.0.0.1#8600', 'suffix:vault fwd 10.0.1.1#53', 'default: fwd 127.0.0.1#5300']);
  });
});

describe('ServerNameRefresh', () => {
  const every = (c: Named, ms: number | null): Named => ({ ...c, forward: { ...c.forward, serverNameRefreshMs: ms } });

  it('runs no round without server-name-refresh, or without a server named by host name', async () => {
    const lookup = scripted(() => ({}));
    const r = new ServerNameRefresh(memoryLog().log, () => assert.fail('nothing to apply'), lookup);
    r.arm(every(loaded(CONF, { 'consul.internal': ['10.0.0.1'] }), null));
    r.arm(every(parseConfigText('no-resolv\nserver=127.0.0.1', 'test.conf') as Named, 5));
    await sleep(50);
    r.stop();
    assert.equal(lookup.calls, 0);
  });

  it('applies a change with the configuration it came from, then follows what apply arms it with', async () => {
    let address = '10.0.0.1';
    const lookup = scripted(() => ({ 'consul.internal': [address], 'vault.internal': ['10.0.1.1'] }));
    const applied: [Config, Config][] = [];
    const r: ServerNameRefresh = new ServerNameRefresh(memoryLog().log, (from, fresh) => {
      applied.push([from, fresh]);
      r.arm(fresh);
    }, lookup);
    const start = every(loaded(CONF, { 'consul.internal': ['10.0.0.1'], 'vault.internal': ['10.0.1.1'] }), 5);
    r.arm(start);
    await waitFor(() => lookup.calls >= 2, 'two rounds');
    assert.equal(applied.length, 0, 'nothing changed');
    address = '10.0.0.2';
    await waitFor(() => applied.length === 1, 'the change applied');
    const calls = lookup.calls;
    await waitFor(() => lookup.calls >= calls + 2, 'rounds go on for the new configuration');
    r.stop();
    assert.equal(applied.length, 1, 'the new configuration has the new address: no change after');
    assert.equal(applied[0]![0], start);
    assert.deepEqual(applied[0]![1].rules.map(describeRule)[0], 'suffix:consul fwd 10.0.0.2#8600');
    assert.equal(r.record.counts.changed, 1);
  });
});
