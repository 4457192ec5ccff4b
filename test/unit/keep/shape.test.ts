/**
 * The keep/drop decision of reload-keeps-cache and cache-file (src/keep/shape.ts): for each
 * setting, whether changing it leaves an entry's signature as it was (kept), changes the
 * signatures of the names it touches only (those dropped), or changes the global part (all
 * dropped).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { CacheShape, keyNameLength } from '../../../src/keep/shape.js';
import { cacheKey, runtimeOf } from '../../helpers/runtime.js';

const BASE = 'server=127.0.0.1#5300\nserver=/svc.test/127.0.0.2#8600\n';

/** The shapes of BASE+`a` and BASE+`b`, built and released. */
function shapes(a: string, b: string): [CacheShape, CacheShape] {
  const ra = runtimeOf(BASE + a);
  const rb = runtimeOf(BASE + b);
  try {
    return [new CacheShape(ra), new CacheShape(rb)];
  } finally {
    ra.close();
    rb.close();
  }
}

/** True when the entry for `key` is kept going from config `a` to `b`. */
function kept(a: string, b: string, key: string): boolean {
  const [x, y] = shapes(a, b);
  return x.global === y.global && x.signature(key) === y.signature(key);
}

const plain = cacheKey('www.example.com');
const svc = cacheKey('web.svc.test');
const svcAaaa = cacheKey('web.svc.test', 'AAAA');

describe('cache shape: what a reload keeps', () => {
  it('reads the name length of a key', () => {
    assert.equal(keyNameLength(plain), 17);
    assert.equal(keyNameLength(cacheKey('')), 1);
  });

  it('keeps everything when nothing changed, and when only settings that shape no stored reply did', () => {
    for (const [a, b] of [
      ['', ''],
      ['', 'query-timeout=9000\nlog-queries\ncache-size=50\nprefetch\ndomain-needed\nbogus-priv\nfilter-AAAA\nfilterwin2k\nlocal-ttl=60'],
      ['server=/other.test/127.0.0.9', 'server=/other.test/127.0.0.10'],
    ] as const) {
      for (const key of [plain, svc, svcAaaa, cacheKey('x.other2.test', 'TXT', 1)]) assert.ok(kept(a, b, key), `${a} -> ${b}`);
    }
  });

  it('drops the names of a domain whose servers changed (address, port, source, order, policy), not the others', () => {
    const rule = 'server=/svc.test/127.0.0.3#8600';
    for (const b of [rule, 'server=/svc.test/127.0.0.2#8601', 'server=/svc.test/127.0.0.2#8600@127.0.0.5', `${rule}\nserver=/svc.test/127.0.0.2#8600`]) {
      const [x, y] = shapes('', b.replace('server=/svc.test/127.0.0.2#8600\n', ''));
      assert.notEqual(x.signature(svc), y.signature(svc), b);
      assert.equal(x.signature(plain), y.signature(plain), b);
    }
    assert.ok(!kept('', 'strict-order', svc));
    assert.ok(!kept('', 'all-servers', plain));
  });

  it('drops only the names of a domain whose own policy changed (all-servers=/d/, merge-answers=/d/)', () => {
    for (const b of ['all-servers=/svc.test/', 'merge-answers=/svc.test/', 'strict-order=/svc.test/']) {
      assert.ok(!kept('', b, svc), b);
      assert.ok(kept('', b, plain), b);
    }
    assert.ok(kept('all-servers=/svc.test/', 'all-servers=/svc.test/', svc));
  });

  it('drops only the names of a domain whose serve-stale setting turned on or off', () => {
    assert.ok(!kept('', 'use-stale-cache=/svc.test/', svc));
    assert.ok(kept('', 'use-stale-cache=/svc.test/', plain));
    assert.ok(!kept('use-stale-cache', 'use-stale-cache\nno-stale-cache=/svc.test/', svc));
    assert.ok(kept('use-stale-cache=/svc.test/60', 'use-stale-cache=/svc.test/120', svc), 'a longer window changes no stored entry');
  });

  it('follows wildcard rules (/*d/, /*.d/) and dotless names (//) as the routing table does', () => {
    assert.ok(!kept('', 'server=/*.svc.test/127.0.0.9', svc));
    assert.ok(kept('', 'server=/*.svc.test/127.0.0.9', cacheKey('svc.test')), 'the domain itself is not below it');
    assert.ok(!kept('', 'server=/*eb.svc.test/127.0.0.9', svc));
    assert.ok(!kept('', 'server=//127.0.0.9', cacheKey('printer')));
    assert.ok(kept('', 'server=//127.0.0.9', plain));
  });

  it('drops the names the default servers answer when those change, not a domain with its own', () => {
    assert.ok(!kept('', 'server=127.0.0.4', plain));
    assert.ok(kept('', 'server=127.0.0.4', svc));
  });

  it('drops a name that an address= or local= rule now answers, or whose NXDOMAIN it turns into NODATA', () => {
    assert.ok(!kept('', 'address=/web.svc.test/10.0.0.1', svc));
    assert.ok(!kept('', 'address=/web.svc.test/10.0.0.1', svcAaaa), 'the AAAA is still forwarded, but an NXDOMAIN becomes NODATA');
    assert.ok(!kept('', 'local=/web.svc.test/', svc));
    assert.ok(!kept('', 'address=/web.svc.test/', svc));
    assert.ok(kept('', 'address=/else.test/10.0.0.1', svc));
  });

  it('drops a name local data now knows (an upstream NXDOMAIN for it would be NODATA)', () => {
    assert.ok(!kept('', 'host-record=web.svc.test,10.9.9.9', svc));
    assert.ok(!kept('', 'host-record=a.web.svc.test,10.9.9.9', svc), 'an ancestor of a local name is known too');
    assert.ok(kept('', 'host-record=db.svc.test,10.9.9.9', svc));
  });

  it('drops the names whose cache TTL settings changed: global ones, or a domain\'s', () => {
    for (const b of ['min-cache-ttl=60', 'max-cache-ttl=60', 'neg-ttl=60', 'no-negcache']) {
      assert.ok(!kept('', b, plain), b);
    }
    for (const b of ['min-cache-ttl=/svc.test/60', 'max-cache-ttl=/svc.test/60', 'neg-ttl=/svc.test/60', 'no-negcache=/svc.test/']) {
      assert.ok(!kept('', b, svc), b);
      assert.ok(kept('', b, plain), b);
    }
    assert.ok(kept('min-cache-ttl=/svc.test/60', 'min-cache-ttl=/svc.test/60\nmin-cache-ttl=30', svc), 'the domain\'s own setting wins');
  });

  it('drops an alias entry when its cname= line, its target\'s route or the filtered types change; the target\'s own entry stays', () => {
    const alias = cacheKey('www.corp.test');
    const line = 'cname=www.corp.test,web.svc.test\n';
    assert.ok(kept(line, line, alias));
    assert.ok(!kept('', line, alias));
    assert.ok(!kept(line, 'cname=www.corp.test,db.svc.test', alias));
    assert.ok(!kept(line, 'cname=www.corp.test,web.svc.test,60', alias));
    assert.ok(!kept(line, `${line}server=/svc.test/127.0.0.7`, alias));
    assert.ok(!kept(line, `${line}filter-AAAA`, alias));
    assert.ok(kept(line, 'cname=www.corp.test,db.svc.test', svc));
    const chain = 'cname=a.corp.test,www.corp.test\n';
    assert.ok(!kept(line + chain, `cname=www.corp.test,db.svc.test\n${chain}`, cacheKey('a.corp.test')), 'a chain is followed');
  });

  it('drops everything when a setting that shapes every stored reply changes', () => {
    for (const b of [
      'alias=1.2.3.4,5.6.7.8', 'bogus-nxdomain=1.2.3.4', 'ignore-address=1.2.3.4', 'stop-dns-rebind', 'add-subnet=24,96',
      'add-mac', 'add-cpe-id=abc', 'strip-subnet', 'strip-mac', 'edns-packet-max=4096', 'max-ttl=60', 'no-rotate', 'use-stale-cache',
      'proxy-dnssec',
    ]) {
      const [x, y] = shapes('', b);
      assert.notEqual(x.global, y.global, b);
    }
    const [x, y] = shapes('stop-dns-rebind', 'stop-dns-rebind\nrebind-domain-ok=/lan/');
    assert.notEqual(x.global, y.global, 'rebind-domain-ok');
    const [p, q] = shapes('rebind-domain-ok=/lan/', '');
    assert.equal(p.global, q.global, 'rebind-domain-ok without stop-dns-rebind changes nothing');
  });

  it('tells the DO and type of a key apart only through the route of its type', () => {
    const [x] = shapes('address=/svc.test/10.0.0.1', '');
    assert.notEqual(x.signature(svc), x.signature(cacheKey('web.svc.test', 'TXT')));
    assert.equal(x.signature(svc), x.signature(cacheKey('web.svc.test', 'A', 1)));
  });
});
