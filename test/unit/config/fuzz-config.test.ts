/**
 * Seeded fuzzing of the config parser: lines of every kind an operator writes, mutated (characters
 * dropped, doubled or replaced with separators, values cut, lines swapped or repeated). Each text
 * either parses or fails with a ConfigError that has a stable code and names `file:line` of a line
 * that exists; never another exception. Directives that read other files are left out of the
 * corpus, so the test touches no file. FANDNS_FUZZ_SEED replays a run.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { ConfigError, ErrorCodes } from '../../../src/errors.js';
import { fuzzSeed, Prng } from '../../helpers/prng.js';

const SEED = fuzzSeed(0xc0f16);
const TEXTS = 4_000;

/** Valid lines of most kinds (no conf-file, conf-dir, addn-hosts, resolv-file: they read files). */
const CORPUS = [
  'no-resolv', 'no-hosts', 'port=5353', 'listen-address=127.0.0.1', 'bind-interfaces', 'cache-size=10000',
  'server=127.0.0.1#5300', 'server=/service.consul/127.0.0.1#8600', 'server=/10.in-addr.arpa/127.0.0.1',
  'server=/local.test/', 'server=/#/127.0.0.2', 'local=/lan/', 'address=/ads.test/0.0.0.0', 'address=/blocked.test/#',
  'address=/v6.test/::1', 'cname=web.example.com,web.service.consul', 'cname=a.test,b.test,c.test,120',
  'host-record=gw.lan,192.168.1.1,fd00::1,300', 'srv-host=_ldap._tcp.lan,ldap.lan,389,1,10', 'txt-record=t.lan,"v=spf1 -all"',
  'ptr-record=1.1.168.192.in-addr.arpa,gw.lan', 'mx-host=lan,mail.lan,10', 'all-servers', 'strict-order',
  'naptr-record=lan,10,100,S,SIP+D2U,"!^(a,b)$!x!",_sip._udp.lan', 'caa-record=lan,128,issue,"ca.test; a=b"',
  'dns-rr=lan,65280,01:02:0a:ff', 'dns-rr=x.lan,257,0005697373756561',
  'synth-domain=lan,192.168.0.0/24,host-', 'synth-domain=v6.lan,2001:db8::10,2001:db8::20,h*',
  'dns-forward-max=300', 'min-cache-ttl=60', 'max-cache-ttl=3600', 'max-ttl=600', 'neg-ttl=30', 'local-ttl=5',
  'no-negcache', 'log-queries', 'log-queries=extra', 'log-async=50', 'domain-needed', 'bogus-priv', 'stop-dns-rebind',
  'rebind-domain-ok=/lan/', 'filter-AAAA', 'filter-rr=TXT,65,ANY', 'bogus-nxdomain=10.9.9.0/24', 'filterwin2k', 'dns-loop-detect', 'hostsdir=/nonexistent/hosts.d', 'pid-file=', 'ignore-address=2001:db8::bad', 'edns-packet-max=1232', 'query-port=0', 'use-stale-cache=3600', 'use-stale-cache=/service.consul/600', 'no-stale-cache=/live.lan/', 'stale-client-timeout=/lan/200', 'rebind-localhost-ok',
  'add-subnet=24,56', 'add-subnet=1.2.3.4/24,::/0', 'strip-subnet', 'add-mac', 'add-mac=text', 'strip-mac', 'add-cpe-id="site 7"',
  '# a comment', '', '   ', 'no-poll', 'interface=lo', 'except-interface=eth9', 'local-service', 'clear-on-reload',
];

const NOISE = ['', ',', '/', '#', '=', '@', ' ', '"', '\\', '.', '-', '0', '9', '65536', '-1', 'x', '::', '*', '\t', '\u00e9', '\u0000'];

/** One mutated line. */
function mutateLine(line: string, r: Prng): string {
  switch (r.int(6)) {
    case 0: {
      const at = r.int(line.length + 1);
      return line.slice(0, at) + line.slice(at + 1 + r.int(3));
    }
    case 1: {
      const at = r.int(line.length + 1);
      return line.slice(0, at) + r.pick(NOISE) + line.slice(at);
    }
    case 2:
      return line.slice(0, r.int(line.length + 1));
    case 3: {
      const eq = line.indexOf('=');
      const other = r.pick(CORPUS);
      return eq >= 0 ? line.slice(0, eq + 1) + other.slice(other.indexOf('=') + 1) : `${line}=${other}`;
    }
    case 4:
      return line.replace(/[,/#]/g, () => r.pick(NOISE));
    default:
      return line;
  }
}

/** A config text of mutated corpus lines. */
function mutatedText(r: Prng): string {
  const lines = Array.from({ length: r.range(1, 12) }, () => r.pick(CORPUS)).map((l) => (r.chance(0.6) ? mutateLine(l, r) : l));
  return lines.join(r.chance(0.1) ? '\r\n' : '\n');
}

describe('fuzzing the config parser', () => {
  it(`parses ${TEXTS} mutated configs or names file:line in a ConfigError (seed ${SEED})`, () => {
    const r = new Prng(SEED);
    const tally = { parsed: 0, refused: 0 };
    for (let i = 0; i < TEXTS; i++) {
      const text = mutatedText(r);
      try {
        parseConfigText(text, 'fuzz.conf');
        tally.parsed++;
      } catch (e) {
        const what = `#${i} ${JSON.stringify(text)}: ${(e as Error).stack}`;
        assert.ok(e instanceof ConfigError, `not a ConfigError: ${what}`);
        assert.ok(e.code in ErrorCodes, `unknown code ${e.code}: ${what}`);
        const lines = text.split(/\r?\n/).length;
        assert.equal(e.origin.file, 'fuzz.conf', what);
        assert.ok(e.origin.line >= 1 && e.origin.line <= lines, `line ${e.origin.line} of ${lines}: ${what}`);
        assert.ok(e.message.startsWith(`fuzz.conf:${e.origin.line}: `), what);
        tally.refused++;
      }
    }
    assert.ok(tally.parsed > TEXTS / 10 && tally.refused > TEXTS / 10, JSON.stringify(tally));
  });
});
