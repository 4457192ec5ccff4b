/**
 * The dig/kdig output parser on captured output, so the interop assertions rest on a parser that
 * is itself checked. Needs no installed tool.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseDigOutput, withoutTtl } from '../helpers/dig.js';

const DIG_SRV = `
; <<>> DiG 9.18.49-1~deb12u3-Debian <<>> @127.0.0.1 -p 25353 _web._tcp.service.consul SRV
; (1 server found)
;; global options: +cmd
;; Got answer:
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 9911
;; flags: qr aa rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 2

;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags: do; udp: 1232
; COOKIE: 0123456789abcdef66616e646e732121 (good)
;; QUESTION SECTION:
;_web._tcp.service.consul.	IN	SRV

;; ANSWER SECTION:
_web._tcp.service.consul. 30	IN	SRV	0 0 8080 web.service.consul.

;; ADDITIONAL SECTION:
web.service.consul.	30	IN	A	10.1.0.1

;; Query time: 0 msec
;; SERVER: 127.0.0.1#25353(127.0.0.1) (UDP)
;; WHEN: Sat Nov 21 15:48:03 UTC 2026
;; MSG SIZE  rcvd: 107
`;

const DIG_TC_RETRY = `;; Truncated, retrying in TCP mode.

; <<>> DiG 9.18.49-1~deb12u3-Debian <<>> @127.0.0.1 -p 38354 big.test TXT +noedns
;; Got answer:
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 41494
;; flags: qr aa rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0

;; QUESTION SECTION:
;big.test.			IN	TXT

;; ANSWER SECTION:
big.test.		30	IN	TXT	"aaa" "bbb b"

;; Query time: 8 msec
;; SERVER: 127.0.0.1#38354(127.0.0.1) (TCP)
;; MSG SIZE  rcvd: 641
`;

const KDIG_EDNS_TCP = `;; ->>HEADER<<- opcode: QUERY; status: NXDOMAIN; id: 64844
;; Flags: qr rd ra; QUERY: 1; ANSWER: 0; AUTHORITY: 1; ADDITIONAL: 1

;; EDNS PSEUDOSECTION:
;; Version: 0; flags: do; UDP size: 1232 B; ext-rcode: NOERROR

;; QUESTION SECTION:
;; NoPe.test. 		IN	A

;; AUTHORITY SECTION:
test. 	60	IN	SOA	ns.test. hostmaster.test. 1 3600 600 86400 60

;; Received 63 B
;; Time 2026-11-21 15:48:09 UTC
;; From 127.0.0.1@25353(TCP) in 1.2 ms
`;

describe('dig output parser', () => {
  it('reads header, flags, EDNS, cookie, question and sections from dig', () => {
    const r = parseDigOutput(DIG_SRV);
    assert.equal(r.status, 'NOERROR');
    assert.deepEqual(r.flags, ['qr', 'aa', 'rd', 'ra']);
    assert.deepEqual(r.question, { name: '_web._tcp.service.consul.', class: 'IN', type: 'SRV' });
    assert.deepEqual(r.answer, [{ name: '_web._tcp.service.consul.', ttl: 30, class: 'IN', type: 'SRV', data: '0 0 8080 web.service.consul.' }]);
    assert.deepEqual(r.additional.map(withoutTtl), ['web.service.consul. IN A 10.1.0.1']);
    assert.deepEqual(r.authority, []);
    assert.deepEqual(r.edns, { flags: ['do'], udpSize: 1232, cookie: '0123456789abcdef66616e646e732121 (good)' });
    assert.equal(r.protocol, 'UDP');
    assert.equal(r.retriedOverTcp, false);
    assert.deepEqual(r.warnings, []);
  });

  it('sees dig’s TCP retry and keeps spaces inside TXT data', () => {
    const r = parseDigOutput(DIG_TC_RETRY);
    assert.equal(r.retriedOverTcp, true);
    assert.equal(r.protocol, 'TCP');
    assert.equal(r.edns, null);
    assert.equal(r.answer[0]!.data, '"aaa" "bbb b"');
  });

  it('reads kdig’s format', () => {
    const r = parseDigOutput(KDIG_EDNS_TCP);
    assert.equal(r.status, 'NXDOMAIN');
    assert.deepEqual(r.flags, ['qr', 'rd', 'ra']);
    assert.deepEqual(r.question, { name: 'NoPe.test.', class: 'IN', type: 'A' });
    assert.deepEqual(r.authority.map((a) => a.type), ['SOA']);
    assert.deepEqual(r.edns, { flags: ['do'], udpSize: 1232, cookie: null });
    assert.equal(r.protocol, 'TCP');
  });

  it('rejects output without a response', () => {
    assert.throws(() => parseDigOutput(';; communications error to 127.0.0.1#1: timed out\n'), /no response/);
  });
});
