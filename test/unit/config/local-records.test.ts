/**
 * Config for local data and aliases: cname= forms, duplicates and loops (errors naming both
 * lines), host-record/txt-record/srv-host/mx-host/ptr-record parsing, rebind-domain-ok forms,
 * cache TTL ranges.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { RRType } from '../../../src/wire/constants.js';

const parse = (text: string) => parseConfigText(text, 'x.conf');
const fails = (text: string, code: string, re: RegExp) => {
  assert.throws(() => parse(text), (e: unknown) => e instanceof ConfigError && e.code === code && re.test(e.message));
};

describe('cname=', () => {
  it('takes several aliases, a target and an optional TTL', () => {
    const c = parse('cname=a.test,b.test,target.test,600\ncname=x.test,y.test').cnames;
    assert.deepEqual(c.map((r) => [r.alias, r.target, r.ttl]), [
      ['a.test', 'target.test', 600],
      ['b.test', 'target.test', 600],
      ['x.test', 'y.test', null],
    ]);
  });
  it('reads a numeric second field as the target, not a TTL (reference §3.1)', () => {
    assert.equal(parse('cname=a.test,600').cnames[0]!.target, '600');
  });
  it('rejects a single field', () => fails('cname=onlyone', 'FANDNS_CONFIG_VALUE', /^x\.conf:1: bad cname/));
  it('rejects a duplicate alias, naming both lines', () =>
    fails('cname=a.test,t1.test\ncname=A.test,t2.test', 'FANDNS_CONFIG_CONFLICT', /^x\.conf:2: duplicate cname alias a\.test \(first at x\.conf:1\)/));
  it('rejects a loop, naming both lines', () =>
    fails('cname=a.test,b.test\ncname=b.test,c.test\ncname=c.test,a.test', 'FANDNS_CONFIG_CONFLICT', /x\.conf:\d: cname loop: .*\(x\.conf:\d\)/));
  it('rejects an alias pointing to itself', () => fails('cname=a.test,a.test', 'FANDNS_CONFIG_CONFLICT', /cname loop/));
});

describe('local records', () => {
  it('host-record makes A, AAAA for every name and PTR to the first', () => {
    const recs = parse('host-record=h.lan,h,192.168.1.2,2001:db8::2,60').localRecords;
    assert.deepEqual(recs.map((r) => [r.name, r.type, r.ttl]), [
      ['h.lan', RRType.A, 60], ['h', RRType.A, 60], ['2.1.168.192.in-addr.arpa', RRType.PTR, 60],
      ['h.lan', RRType.AAAA, 60], ['h', RRType.AAAA, 60],
      ['2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa', RRType.PTR, 60],
    ]);
  });
  it('host-record needs a name and an address', () => fails('host-record=1.2.3.4', 'FANDNS_CONFIG_VALUE', /x\.conf:1: host-record needs/));
  it('txt-record keeps quoted commas and splits long strings into 255-byte pieces', () => {
    const [r] = parse(`txt-record=t.test,"a,b",${'x'.repeat(300)}`).localRecords;
    assert.equal(r!.rdata[0], 3);
    assert.equal(r!.rdata.subarray(1, 4).toString(), 'a,b');
    assert.equal(r!.rdata[4], 255);
    assert.equal(r!.rdata[4 + 256], 45);
  });
  it('srv-host fills defaults and checks numbers', () => {
    const [r] = parse('srv-host=_x._tcp.test,t.test,80').localRecords;
    assert.deepEqual([...r!.rdata.subarray(0, 6)], [0, 0, 0, 0, 0, 80]);
    fails('srv-host=_x._tcp.test,t.test,99999', 'FANDNS_CONFIG_VALUE', /x\.conf:1: bad SRV port/);
  });
  it('rebind-domain-ok takes /d1/d2/ and plain forms', () => {
    assert.deepEqual(parse('rebind-domain-ok=/a.test/b.test/\nrebind-domain-ok=c.test').filters.rebindDomainOk, ['a.test', 'b.test', 'c.test']);
  });
});

describe('cache options', () => {
  it('has defaults and takes every TTL option', () => {
    const c = parse('').cache;
    assert.equal(c.size, 10000);
    assert.equal(c.staleMaxSec, null);
    const d = parse('cache-size=1000000\nmin-cache-ttl=7200\nmax-cache-ttl=86400\nmax-ttl=60\nneg-ttl=30\nno-negcache\nuse-stale-cache\nno-rotate').cache;
    assert.deepEqual([d.size, d.minTtl, d.maxTtl, d.clientMaxTtl, d.negTtl, d.noNegcache, d.staleMaxSec, d.rotate], [1000000, 7200, 86400, 60, 30, true, 86400, false]);
    assert.equal(parse('use-stale-cache=0').cache.staleMaxSec, 0);
  });
  it('does not cap min-cache-ttl silently, but rejects min above max naming both lines', () => {
    assert.equal(parse('min-cache-ttl=99999').cache.minTtl, 99999);
    fails('max-cache-ttl=60\nmin-cache-ttl=120', 'FANDNS_CONFIG_CONFLICT', /^x\.conf:2: min-cache-ttl=120 is above max-cache-ttl=60 \(x\.conf:1\)/);
  });
  it('rejects out-of-range and non-numeric values', () => {
    fails('cache-size=-5', 'FANDNS_CONFIG_VALUE', /x\.conf:1: cache-size needs a whole number/);
    fails('cache-size=20000000', 'FANDNS_CONFIG_VALUE', /out of range/);
    fails('min-cache-ttl=abc', 'FANDNS_CONFIG_VALUE', /min-cache-ttl/);
    fails('cache-rr=BOGUS', 'FANDNS_CONFIG_VALUE', /unknown record type/);
  });
});
