/**
 * A server that cannot bind all its listeners fails start() and releases what it had bound, so
 * the port is free again and no socket keeps the process alive.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { parseConfigText } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { FandnsServer } from '../../src/server.js';
import { freePort } from '../helpers/fake-upstream.js';

function server(conf: string): FandnsServer {
  return new FandnsServer(parseConfigText(`no-resolv\n${conf}`, 'test.conf'), createLogger('silent'));
}

/** Resolves true when a UDP socket can bind 127.0.0.1:port (nothing else holds it). */
function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Resolves true when a TCP server can listen on 127.0.0.1:port. */
function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function listenTcp(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

describe('start-up failure', () => {
  it('TCP port taken: start() rejects and the UDP socket it bound is released', async () => {
    const port = await freePort();
    const blocker = await listenTcp(port);
    try {
      const s = server(`port=${port}\nlisten-address=127.0.0.1\n`);
      await assert.rejects(s.start(), /EADDRINUSE/);
      assert.equal(await udpFree(port), true, 'UDP port released');
      assert.deepEqual(s.endpoints, []);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('metrics port taken: the DNS listeners are released too', async () => {
    const [dnsPort, metricsPort] = [await freePort(), await freePort()];
    const blocker = await listenTcp(metricsPort);
    try {
      const s = server(`port=${dnsPort}\nlisten-address=127.0.0.1\nmetrics-address=127.0.0.1:${metricsPort}\n`);
      await assert.rejects(s.start(), /EADDRINUSE/);
      assert.equal(await udpFree(dnsPort), true, 'UDP port released');
      assert.equal(await tcpFree(dnsPort), true, 'TCP port released');
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('second listen address unusable: the first address is released too', async () => {
    const port = await freePort();
    // 192.0.2.1 (TEST-NET-1) is not an address of this host, so binding it fails; nothing is sent.
    const s = server(`port=${port}\nlisten-address=127.0.0.1\nlisten-address=192.0.2.1\n`);
    await assert.rejects(s.start());
    assert.equal(await udpFree(port), true, 'UDP port released');
    assert.equal(await tcpFree(port), true, 'TCP port released');
  });
});
