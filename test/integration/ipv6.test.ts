/**
 * IPv6 on loopback: an upstream on [::1] written as `server=::1#port` (dnsmasq syntax, no
 * brackets), and fandns listening on ::1 for UDP and TCP clients.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { createSocket } from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import { parseConfigText } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { FandnsServer } from '../../src/server.js';
import { answerData, buildQuery, hasV6Loopback, tcpExchange, toReply, udpExchange } from '../helpers/dns-client.js';

/** A one-answer UDP responder on ::1. */
async function v6Upstream(ip: string) {
  const s = createSocket('udp6');
  await new Promise<void>((r) => s.bind(0, '::1', () => r()));
  s.on('message', (m, rinfo) => {
    const q = dnsPacket.decode(m);
    const out = dnsPacket.encode({
      type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE | dnsPacket.RECURSION_DESIRED,
      questions: q.questions, answers: [{ type: 'AAAA', name: q.questions![0]!.name, ttl: 60, class: 'IN', data: ip }],
    } as never);
    s.send(out, rinfo.port, rinfo.address);
  });
  return { port: s.address().port, close: () => new Promise<void>((r) => s.close(() => r())) };
}

describe('IPv6', { skip: !(await hasV6Loopback()) && 'no IPv6 loopback on this host' }, () => {
  it('forwards to an IPv6 upstream and answers clients on ::1', async () => {
    const up = await v6Upstream('2001:db8::53');
    const conf = `port=0\nlisten-address=::1\nno-resolv\nno-hosts\nserver=/v6.test/::1#${up.port}\n`;
    const server = new FandnsServer(parseConfigText(conf, 'v6.conf'), createLogger('silent'));
    await server.start();
    try {
      const port = server.endpoints[0]!.port;
      const udp = toReply(await udpExchange(buildQuery('a.v6.test', { type: 'AAAA' }), port, 3000, '::1'));
      assert.deepEqual(answerData(udp.packet), ['2001:db8::53']);
      const tcp = toReply(await tcpExchange(buildQuery('b.v6.test', { type: 'AAAA' }), port, 3000, '::1'));
      assert.deepEqual(answerData(tcp.packet), ['2001:db8::53']);
      assert.deepEqual(server.runtime.registry.upstreams().map((u) => u.label), [`::1#${up.port}`]);
    } finally {
      await server.stop();
      await up.close();
    }
  });
});
