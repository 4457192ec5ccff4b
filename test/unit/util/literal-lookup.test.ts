/**
 * The dgram lookup for address literals: it hands back the address unchanged with the family dgram
 * asked for, and works out the family itself only when none is given; real udp4 and udp6 sockets
 * using it deliver datagrams.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { createSocket, type SocketType } from 'node:dgram';
import { once } from 'node:events';
import { literalLookup } from '../../../src/util/literal-lookup.js';

/** What literalLookup answers for `address` and `family`. */
const lookup = (address: string, family: unknown): [string, number] => {
  let out: [string, number] = ['', 0];
  literalLookup(address, family, (err, a, f) => {
    assert.equal(err, null);
    out = [a, f];
  });
  return out;
};

/** Sends one datagram from a socket using literalLookup to a plain socket on `address`; resolves with what arrived. */
async function roundTrip(type: SocketType, address: string): Promise<string> {
  const rx = createSocket(type);
  await new Promise<void>((r, j) => rx.once('error', j).bind(0, address, () => r()));
  const tx = createSocket({ type, lookup: literalLookup as never });
  try {
    const got = once(rx, 'message');
    tx.send(Buffer.from('hello'), rx.address().port, address);
    const [msg] = (await got) as [Buffer];
    return msg.toString();
  } finally {
    tx.close();
    rx.close();
  }
}

describe('literalLookup', () => {
  it('answers synchronously with the address and the family dgram passes', () => {
    assert.deepEqual(lookup('127.0.0.1', 4), ['127.0.0.1', 4]);
    assert.deepEqual(lookup('::1', 6), ['::1', 6]);
    assert.deepEqual(lookup('::ffff:127.0.0.1', 6), ['::ffff:127.0.0.1', 6]);
  });

  it('takes the family from the address when none is passed', () => {
    assert.deepEqual(lookup('127.0.0.1', {}), ['127.0.0.1', 4]);
    assert.deepEqual(lookup('fe80::1', undefined), ['fe80::1', 6]);
  });

  it('serves a udp4 socket', async () => {
    assert.equal(await roundTrip('udp4', '127.0.0.1'), 'hello');
  });

  it('serves a udp6 socket', async (t) => {
    try {
      assert.equal(await roundTrip('udp6', '::1'), 'hello');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL') throw err;
      t.skip('no IPv6 loopback on this host');
    }
  });
});
