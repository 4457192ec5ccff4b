/**
 * src/server-name-lookup.ts's lookUpNames through the system's resolver, with node:dns's
 * promises.lookup replaced by a scripted one: each name's result (addresses, `no address`, or the
 * resolver's error), and a name asked again while its getaddrinfo call still runs joining that
 * call instead of taking another thread of libuv's pool (server-name-refresh asks every round).
 */
import { afterEach, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dns from 'node:dns';
import { parseConfigText } from '../../src/config/load.js';
import { lookUpNames } from '../../src/server-name-lookup.js';

type Lookup = typeof dns.promises.lookup;
const real: Lookup = dns.promises.lookup;
const config = parseConfigText('no-resolv\nserver=/consul/consul.internal#8600', 'test.conf');
const name = (n: string) => ({ name: n, family: 0 as const, origin: { file: 'test.conf', line: 2 } });

/** Replaces the resolver: `answer` is called for each getaddrinfo call and gives its result. */
function script(answer: (host: string) => Promise<{ address: string; family: number }[]>): { calls: string[] } {
  const calls: string[] = [];
  (dns.promises as { lookup: unknown }).lookup = (host: string) => {
    calls.push(host);
    return answer(host);
  };
  return { calls };
}

describe('lookUpNames through the system resolver', () => {
  afterEach(() => {
    (dns.promises as { lookup: unknown }).lookup = real;
  });

  it('gives each name its addresses, `no address`, or the error, in order', async () => {
    script(async (host) => {
      if (host === 'gone.internal') throw new Error('getaddrinfo ENOTFOUND gone.internal');
      return host === 'empty.internal' ? [] : [{ address: '10.0.0.5', family: 4 }, { address: '2001:db8::5', family: 6 }];
    });
    assert.deepEqual(await lookUpNames(config, [name('consul.internal'), name('empty.internal'), name('gone.internal')]),
      [['10.0.0.5', '2001:db8::5'], 'no address', 'system resolver: getaddrinfo ENOTFOUND gone.internal']);
  });

  it('joins a call still running for the same name instead of starting another', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => { release = r; });
    const { calls } = script(async () => {
      await slow;
      return [{ address: '10.0.0.5', family: 4 }];
    });
    const first = lookUpNames(config, [name('consul.internal')]);
    const second = lookUpNames(config, [name('consul.internal'), name('vault.internal')]);
    release();
    assert.deepEqual(await first, [['10.0.0.5']]);
    assert.deepEqual(await second, [['10.0.0.5'], ['10.0.0.5']]);
    assert.deepEqual(calls, ['consul.internal', 'vault.internal'], 'one getaddrinfo call per name');
    await lookUpNames(config, [name('consul.internal')]);
    assert.deepEqual(calls, ['consul.internal', 'vault.internal', 'consul.internal'], 'a finished call is not reused');
  });
});
