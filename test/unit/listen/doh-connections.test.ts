/**
 * DohConnections: at most `max` established DoH connections; a new one closes the connection idle
 * the longest, or is itself closed when every one has a request in progress; requests are known
 * through the socket or a proxy of it (HTTP/2), and a proxy that throws counts as no connection.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { DohConnections } from '../../../src/listen/doh-connections.js';

/** A socket that records being destroyed and says 'close' when it is. */
class FakeSocket extends EventEmitter {
  destroyed = false;
  destroy(): this {
    if (!this.destroyed) {
      this.destroyed = true;
      this.emit('close');
    }
    return this;
  }
}

const sock = () => new FakeSocket();
const asSocket = (s: FakeSocket) => s as unknown as Socket;
/** A proxy that passes reads and writes on to `s`, as HTTP/2's session and request sockets do. */
const proxyOf = (s: FakeSocket): object => new Proxy({}, {
  get: (_t, prop) => (s as unknown as Record<PropertyKey, unknown>)[prop],
  set: (_t, prop, value) => {
    (s as unknown as Record<PropertyKey, unknown>)[prop] = value;
    return true;
  },
});

describe('DohConnections', () => {
  it('admits up to max, then closes the connection idle the longest to admit a new one', async () => {
    const c = new DohConnections(2);
    const [a, b, n] = [sock(), sock(), sock()];
    assert.equal(c.admit(asSocket(a)), true);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(c.admit(asSocket(b)), true);
    c.begin(proxyOf(b))(); // b was used after a: a is the one idle the longest
    assert.equal(c.admit(asSocket(n)), true);
    assert.deepEqual([a.destroyed, b.destroyed, n.destroyed], [true, false, false]);
    assert.deepEqual([c.size, c.counters.evicted, c.counters.refused], [2, 1, 0]);
  });

  it('closes the new connection when every one has a request in progress, and makes room once one ends', () => {
    const c = new DohConnections(2);
    const [a, b] = [sock(), sock()];
    c.admit(asSocket(a));
    c.admit(asSocket(b));
    const endA = c.begin(proxyOf(a));
    c.begin(b); // HTTP/1.1: the request's socket itself
    const refused = sock();
    assert.equal(c.admit(asSocket(refused)), false);
    assert.deepEqual([refused.destroyed, c.counters.refused], [true, 1]);
    endA();
    endA(); // a second end changes nothing
    const next = sock();
    assert.equal(c.admit(asSocket(next)), true);
    assert.deepEqual([a.destroyed, b.destroyed], [true, false], 'a, idle again, made room; b is busy');
  });

  it('tells an HTTP/2 session it closes GOAWAY rather than cutting its socket, with or without a request before', () => {
    for (const asked of [true, false]) {
      const c = new DohConnections(1);
      const a = sock();
      let closed = 0;
      c.opened({ socket: proxyOf(a), close: () => closed++ }); // Node opens the session before the listener sees the socket
      c.admit(asSocket(a));
      if (asked) c.begin(proxyOf(a))();
      c.admit(asSocket(sock()));
      assert.deepEqual([closed, a.destroyed, c.counters.evicted], [1, false, 1], asked ? 'after a request' : 'before any');
    }
  });

  it('takes the session also when it is opened after the socket was admitted', () => {
    const c = new DohConnections(1);
    const a = sock();
    let closed = 0;
    c.admit(asSocket(a));
    c.opened({ socket: proxyOf(a), close: () => closed++ });
    c.admit(asSocket(sock()));
    assert.deepEqual([closed, a.destroyed], [1, false]);
  });

  it('forgets a connection that closed, and ignores requests it cannot place', () => {
    const c = new DohConnections(1);
    const a = sock();
    c.admit(asSocket(a));
    a.destroy();
    assert.equal(c.size, 0);
    c.begin(sock())(); // never admitted
    c.begin(null)();
    c.begin(new Proxy({}, { get: () => { throw new Error('socket unbound'); } }))(); // a session already gone
    c.opened({ socket: new Proxy({}, { set: () => { throw new Error('socket unbound'); } }), close: () => {} });
    const b = sock();
    assert.equal(c.admit(asSocket(b)), true);
  });
});
