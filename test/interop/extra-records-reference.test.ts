/**
 * naptr-record, caa-record and dns-rr with dig as the client and dnsmasq 2.90 as the reference:
 * the real `fandns` process and a real dnsmasq get the same config and an upstream that answers
 * NXDOMAIN, and must give the same status, AA flag and answer records (TTL and data, in any
 * order: dnsmasq answers in reverse config order) for the record types, ANY, and other types at a
 * NAPTR name, and other types at CAA and dns-rr names (forwarded by both: those records do not
 * make their name local, so the upstream's NXDOMAIN stays).
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dig, withoutTtl, type DigResult } from '../helpers/dig.js';
import { FakeUpstream } from '../helpers/fake-upstream.js';
import { startReferencePair, stopReferencePairs, type ReferencePair } from '../helpers/reference-pair.js';
import { skipUnless } from '../helpers/tools.js';

const CONFIG = [
  'local-ttl=45',
  'naptr-record=svc.rr.test,10,20,U,E2U+sip,"!^.*$!sip:info@example.com!"',
  'naptr-record=svc.rr.test,100,50,S,SIP+D2U,,_sip._udp.Example.com',
  'naptr-record=bare.rr.test,1,2,,,',
  'caa-record=svc.rr.test,128,issue,"ca.example; account=1"',
  'caa-record=caa.rr.test,0,iodef,mailto:ops@example.com,x , y',
  'dns-rr=svc.rr.test,65280,01:02:0a:ff',
  'dns-rr=svc.rr.test,65280,abc',
  'dns-rr=hex.rr.test,65281,1-2 3',
  'dns-rr=hex.rr.test,16,0568656c6c6f',
  'dns-rr=empty.rr.test,65282',
  'dns-rr=leaf.only.test,65280,00',
].join('\n');

/** What is compared: status, AA, and the answer records (TTL, name, type, data) sorted. */
function shape(r: DigResult): string {
  const records = r.answer.map((a) => `${a.ttl} ${withoutTtl(a)}`).sort();
  return `${r.status}${r.flags.includes('aa') ? ' aa' : ''} [${records.join(' | ')}]`;
}

describe('naptr-record, caa-record, dns-rr: fandns (CLI) and dnsmasq', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  let up: FakeUpstream;
  let dir: string;
  let pair: ReferencePair | undefined;

  before(async () => {
    up = await FakeUpstream.start(() => ({ rcode: 'NXDOMAIN' }));
    dir = mkdtempSync(join(tmpdir(), 'fandns-rr-'));
    pair = await startReferencePair(`server=${up.spec}\n${CONFIG}`, dir, 'rr');
  });
  after(async () => {
    await stopReferencePairs(pair);
    await up?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Asks both servers; returns [fandns, dnsmasq] shapes. */
  const both = async (name: string, type: string): Promise<[string, string]> => {
    const ask = (port: number) => dig(port, ['-t', type, name, '+tries=1', '+time=3', '+nocookie']);
    return [shape(await ask(pair!.fandns.port)), shape(await ask(pair!.dnsmasq.port))];
  };

  /** [name, type, fandns's answer, dnsmasq's where it differs]. */
  const rows: [string, string, string, string?][] = [
    ['svc.rr.test', 'NAPTR', 'NOERROR aa [45 svc.rr.test. IN NAPTR 10 20 "U" "E2U+sip" "!^.*$!sip:info@example.com!" . | 45 svc.rr.test. IN NAPTR 100 50 "S" "SIP+D2U" "" _sip._udp.example.com.]'],
    ['SVC.RR.test', 'NAPTR', 'NOERROR aa [45 svc.rr.test. IN NAPTR 10 20 "U" "E2U+sip" "!^.*$!sip:info@example.com!" . | 45 svc.rr.test. IN NAPTR 100 50 "S" "SIP+D2U" "" _sip._udp.example.com.]'],
    ['bare.rr.test', 'NAPTR', 'NOERROR aa [45 bare.rr.test. IN NAPTR 1 2 "" "" "" .]'],
    ['svc.rr.test', 'CAA', 'NOERROR aa [45 svc.rr.test. IN CAA 128 issue "ca.example; account=1"]'],
    ['caa.rr.test', 'CAA', 'NOERROR aa [45 caa.rr.test. IN CAA 0 iodef "mailto:ops@example.com,x , y"]'],
    ['svc.rr.test', 'TYPE65280', 'NOERROR aa [45 svc.rr.test. IN TYPE65280 \\# 2 AB0C | 45 svc.rr.test. IN TYPE65280 \\# 4 01020AFF]'],
    ['hex.rr.test', 'TYPE65281', 'NOERROR aa [45 hex.rr.test. IN TYPE65281 \\# 3 010203]'],
    ['hex.rr.test', 'TXT', 'NOERROR aa [45 hex.rr.test. IN TXT "hello"]'],
    ['empty.rr.test', 'TYPE65282', 'NOERROR aa [45 empty.rr.test. IN TYPE65282 \\# 0]'],
    ['svc.rr.test', 'ANY', 'NOERROR aa [45 svc.rr.test. IN CAA 128 issue "ca.example; account=1" | 45 svc.rr.test. IN NAPTR 10 20 "U" "E2U+sip" "!^.*$!sip:info@example.com!" . | 45 svc.rr.test. IN NAPTR 100 50 "S" "SIP+D2U" "" _sip._udp.example.com. | 45 svc.rr.test. IN TYPE65280 \\# 2 AB0C | 45 svc.rr.test. IN TYPE65280 \\# 4 01020AFF]'],
    ['hex.rr.test', 'ANY', 'NOERROR aa [45 hex.rr.test. IN TXT "hello" | 45 hex.rr.test. IN TYPE65281 \\# 3 010203]'],
    // dnsmasq forwards these; the upstream's NXDOMAIN becomes NODATA for a NAPTR name and its parents.
    ['svc.rr.test', 'A', 'NOERROR aa []'],
    ['rr.test', 'A', 'NOERROR aa []'],
    ['other.rr.test', 'A', 'NXDOMAIN []'],
    // Both forward these, and keep the upstream's NXDOMAIN: CAA and dns-rr names are not local.
    ['caa.rr.test', 'A', 'NXDOMAIN []'],
    ['hex.rr.test', 'AAAA', 'NXDOMAIN []'],
    ['only.test', 'A', 'NXDOMAIN []'],
  ];
  for (const [name, type, fandns, dnsmasq = fandns] of rows) {
    it(`${name} ${type}: ${dnsmasq === fandns ? '' : `dnsmasq ${dnsmasq}, `}fandns ${fandns.slice(0, 60)}`, async () => {
      const [mine, ref] = await both(name, type);
      assert.equal(ref, dnsmasq, 'dnsmasq');
      assert.equal(mine, fandns, 'fandns');
    });
  }
});
