/**
 * bindPair: UDP and TCP on one port number; with port 0 a number TCP cannot have is given back and
 * another tried; nothing stays bound after a failure.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { bindPair, EPHEMERAL_ATTEMPTS } from '../../../src/listen/bind-pair.js';

/** A fake UDP socket on a given port that records whether it was closed. */
class FakeUdp {
  closed = false;
  constructor(readonly port: number) {}
  address() {
    return { port: this.port };
  }
  close() {
    this.closed = true;
  }
}

const inUse = () => Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });

/** UDP binds that hand out 40000, 40001, … for port 0 (or the asked port). */
function udpBinder() {
  const made: FakeUdp[] = [];
  let next = 40000;
  const bind = async (port: number) => {
    const u = new FakeUdp(port === 0 ? next++ : port);
    made.push(u);
    return u;
  };
  return { made, bind };
}

describe('bindPair', () => {
  it('binds TCP on the port UDP got', async () => {
    const udp = udpBinder();
    const tcpPorts: number[] = [];
    const r = await bindPair(0, udp.bind, async (p) => tcpPorts.push(p));
    assert.equal(r.port, 40000);
    assert.deepEqual(tcpPorts, [40000]);
    assert.equal(r.udp.closed, false);
  });

  it('with port 0, gives back a number TCP cannot have and tries another', async () => {
    const udp = udpBinder();
    let calls = 0;
    const r = await bindPair(0, udp.bind, async (p) => {
      if (++calls <= 2) throw inUse();
      return `tcp:${p}`;
    });
    assert.equal(r.port, 40002);
    assert.equal(r.tcp, 'tcp:40002');
    assert.deepEqual(udp.made.map((u) => u.closed), [true, true, false]);
  });

  it('with a fixed port, fails at once and releases the UDP socket', async () => {
    const udp = udpBinder();
    await assert.rejects(bindPair(5353, udp.bind, async () => { throw inUse(); }), /EADDRINUSE/);
    assert.deepEqual(udp.made.map((u) => [u.port, u.closed]), [[5353, true]]);
  });

  it('with port 0, does not retry other errors', async () => {
    const udp = udpBinder();
    const denied = Object.assign(new Error('listen EACCES'), { code: 'EACCES' });
    await assert.rejects(bindPair(0, udp.bind, async () => { throw denied; }), /EACCES/);
    assert.equal(udp.made.length, 1);
    assert.ok(udp.made[0]!.closed);
  });

  it('gives up after EPHEMERAL_ATTEMPTS numbers, with everything released', async () => {
    const udp = udpBinder();
    await assert.rejects(bindPair(0, udp.bind, async () => { throw inUse(); }), /EADDRINUSE/);
    assert.equal(udp.made.length, EPHEMERAL_ATTEMPTS);
    assert.ok(udp.made.every((u) => u.closed));
  });
});
