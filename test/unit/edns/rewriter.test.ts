/**
 * What a forwarded query carries with add-subnet, strip-subnet, add-mac, strip-mac and add-cpe-id,
 * as dnsmasq 2.90 sends it (verified with a recording upstream): new options after the client's,
 * in the order MAC, device id, CPE id, ECS; a client's own option kept unless stripped (then
 * replaced); an OPT of 512 bytes added only when something is added. And how the reply is to be
 * treated: who may share the upstream query (identity) and whether it may be cached.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import type { EdnsConfig } from '../../../src/config/types.js';
import { CacheRule, EdnsRewriter, OptionCode, type Rewritten } from '../../../src/edns/rewriter.js';
import { Query, type Client } from '../../../src/pipeline/query.js';
import { parseQuery } from '../../../src/wire/query-parse.js';
import { buildQuery, optOf, type QueryOptions } from '../../helpers/dns-client.js';
import { bytes, header, labels, question, record } from '../../helpers/wire-bytes.js';

const OFF: EdnsConfig = { addSubnet: null, stripSubnet: false, addMac: [], stripMac: false, cpeId: null };
const V4_24: EdnsConfig['addSubnet'] = { ipv4: { prefix: 24, address: null }, ipv6: { prefix: 96, address: null } };
const MAC = Buffer.from('020000000001', 'hex');
const neighbours = { lookup: (a: string) => (a === '127.0.0.5' ? MAC : null) };

const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');
const COOKIE = { code: 10, data: hex('0102030405060708') };
const CLIENT_ECS = { code: 8, data: hex('0001 1800 010203') };

/** A parsed query from `address`. */
function queryFrom(raw: Buffer, address = '127.0.0.1'): Query {
  const p = parseQuery(raw);
  assert.equal(typeof p, 'object');
  const client: Client = { address, port: 5300, protocol: 'udp', localAddress: '127.0.0.1', localPort: 53, reply: () => {} };
  return new Query(raw, p as Exclude<typeof p, number>, client, 0);
}
const q = (opts: QueryOptions = {}, address?: string) => queryFrom(buildQuery('r.test', { id: 7, ...opts }), address);
const rewrite = (cfg: Partial<EdnsConfig>, query: Query): Rewritten => EdnsRewriter.create({ ...OFF, ...cfg }, neighbours)!.rewrite(query);

/** The forwarded OPT as [udp size, options as "code=hex"]. */
function sentOpt(r: Rewritten): [number, string[]] | null {
  const o = optOf(dnsPacket.decode(r.msg));
  if (!o) return null;
  return [o.udpPayloadSize!, (o.options ?? []).map((x) => `${x.code}=${x.data.toString('hex')}`)];
}

describe('EdnsRewriter.create', () => {
  it('is null when no option is set: forwarding costs nothing extra', () => assert.equal(EdnsRewriter.create(OFF, neighbours), null));
});

describe('add-subnet', () => {
  it('appends the client\'s /24 after the client\'s own options (a dig cookie)', () => {
    const r = rewrite({ addSubnet: V4_24 }, q({ edns: 1232, ednsOptions: [COOKIE] }));
    assert.deepEqual(sentOpt(r), [1232, ['10=0102030405060708', '8=000118007f0000']]);
    assert.equal(r.cache, CacheRule.IF_GLOBAL);
    assert.equal(r.identity, hex('0008 0007 000118007f0000').toString('latin1'));
    assert.equal(r.clientEcs, null);
    assert.equal(r.ownsEcs, true);
  });

  it('adds an OPT advertising 512 bytes to a query without EDNS', () => {
    const r = rewrite({ addSubnet: V4_24 }, q());
    assert.deepEqual(sentOpt(r), [512, ['8=000118007f0000']]);
    assert.equal(dnsPacket.decode(r.msg).additionals!.length, 1);
  });

  it('uses the IPv6 part for IPv6 clients', () => {
    const r = rewrite({ addSubnet: V4_24 }, q({}, '2001:db8:1:2:3:4:5:6'));
    assert.deepEqual(sentOpt(r), [512, ['8=0002600020010db80001000200030004']]);
  });

  it('keeps a client\'s own ECS option, adding nothing (no strip-subnet)', () => {
    const r = rewrite({ addSubnet: V4_24 }, q({ edns: 1232, ednsOptions: [CLIENT_ECS, COOKIE] }));
    assert.deepEqual(sentOpt(r), [1232, ['8=00011800010203', '10=0102030405060708']]);
    assert.equal(r.ecsKept, true);
    assert.equal(r.clientEcs?.toString('hex'), '0008000700011800010203');
    assert.equal(r.identity, r.clientEcs!.toString('latin1'));
    assert.equal(r.cache, CacheRule.IF_GLOBAL);
  });

  it('with strip-subnet replaces it, appending its own at the end', () => {
    const r = rewrite({ addSubnet: V4_24, stripSubnet: true }, q({ edns: 1232, ednsOptions: [CLIENT_ECS, COOKIE] }));
    assert.deepEqual(sentOpt(r), [1232, ['10=0102030405060708', '8=000118007f0000']]);
    assert.equal(r.ecsKept, false);
    assert.equal(r.clientEcs?.toString('hex'), '0008000700011800010203', 'kept for the echo');
  });

  it('replaces a malformed client option, and does not echo it', () => {
    const r = rewrite({ addSubnet: V4_24, stripSubnet: true }, q({ edns: 1232, ednsOptions: [{ code: 8, data: hex('0001 1800 01') }] }));
    assert.deepEqual(sentOpt(r), [1232, ['8=000118007f0000']]);
    assert.equal(r.clientEcs, null);
  });

  it('with a fixed address: the same option for every client, cached as usual', () => {
    const cfg = { addSubnet: { ipv4: { prefix: 24, address: '198.51.100.7' }, ipv6: { prefix: 24, address: '198.51.100.7' } } };
    const a = rewrite(cfg, q({}, '127.0.0.1'));
    const b = rewrite(cfg, q({}, '::1'));
    assert.deepEqual(sentOpt(a), [512, ['8=00011800c63364']]);
    assert.equal(a.identity, b.identity);
    assert.equal(a.cache, CacheRule.ALWAYS);
  });
});

describe('strip-subnet alone', () => {
  it('removes the client\'s ECS option and keeps the OPT', () => {
    const r = rewrite({ stripSubnet: true }, q({ edns: 1232, ednsOptions: [CLIENT_ECS] }));
    assert.deepEqual(sentOpt(r), [1232, []]);
    assert.equal(r.cache, CacheRule.ALWAYS);
    assert.equal(r.identity, '');
  });
  it('leaves a query without EDNS as it is (dnsmasq adds an empty OPT)', () => {
    const query = q();
    assert.equal(rewrite({ stripSubnet: true }, query).msg, query.msg);
  });
});

describe('add-cpe-id', () => {
  it('appends option 65074, replacing a client\'s own, and caches as usual', () => {
    const r = rewrite({ cpeId: 'abc123' }, q({ edns: 1232, ednsOptions: [{ code: OptionCode.CPE_ID, data: hex('7878') }, COOKIE] }));
    assert.deepEqual(sentOpt(r), [1232, ['10=0102030405060708', `65074=${Buffer.from('abc123').toString('hex')}`]]);
    assert.equal(r.cache, CacheRule.ALWAYS);
  });
  it('adds an OPT of 512 bytes to a query without EDNS', () => assert.deepEqual(sentOpt(rewrite({ cpeId: 'x' }, q())), [512, ['65074=78']]));
});

describe('strip-mac, add-mac', () => {
  const macOpts = [{ code: OptionCode.MAC, data: hex('aabbccddeeff') }, { code: OptionCode.DEVICE_ID, data: Buffer.from('QUJD') }, COOKIE];

  it('strip-mac removes options 65001 and 65073 only', () => {
    assert.deepEqual(sentOpt(rewrite({ stripMac: true }, q({ edns: 1232, ednsOptions: macOpts }))), [1232, ['10=0102030405060708']]);
  });

  it('add-mac for a client that is no neighbour (loopback) adds nothing', () => {
    const query = q({}, '127.0.0.1');
    const r = rewrite({ addMac: ['raw'] }, query);
    assert.equal(r.msg, query.msg);
    assert.equal(r.cache, CacheRule.ALWAYS);
  });

  it('add-mac adds the raw MAC, never cached', () => {
    const r = rewrite({ addMac: ['raw'] }, q({}, '127.0.0.5'));
    assert.deepEqual(sentOpt(r), [512, ['65001=020000000001']]);
    assert.equal(r.cache, CacheRule.NEVER);
    assert.equal(r.identity, hex('fde9 0006 020000000001').toString('latin1'));
  });

  it('add-mac=text and =base64 send option 65073 (text wins when both are set)', () => {
    const text = Buffer.from('02:00:00:00:00:01').toString('hex');
    assert.deepEqual(sentOpt(rewrite({ addMac: ['text'] }, q({}, '127.0.0.5'))), [512, [`65073=${text}`]]);
    assert.deepEqual(sentOpt(rewrite({ addMac: ['base64'] }, q({}, '127.0.0.5'))), [512, [`65073=${Buffer.from('AgAAAAAB').toString('hex')}`]]);
    assert.deepEqual(sentOpt(rewrite({ addMac: ['base64', 'text'] }, q({}, '127.0.0.5'))), [512, [`65073=${text}`]]);
  });

  it('keeps a client\'s own MAC unless strip-mac is set', () => {
    const kept = rewrite({ addMac: ['raw'] }, q({ edns: 1232, ednsOptions: macOpts }, '127.0.0.5'));
    assert.deepEqual(sentOpt(kept)![1].slice(0, 1), ['65001=aabbccddeeff']);
    assert.equal(kept.cache, CacheRule.NEVER);
    const replaced = rewrite({ addMac: ['raw'], stripMac: true }, q({ edns: 1232, ednsOptions: macOpts }, '127.0.0.5'));
    assert.deepEqual(sentOpt(replaced), [1232, ['10=0102030405060708', '65001=020000000001']]);
  });

  it('orders new options as dnsmasq: MAC, device id, CPE id, ECS', () => {
    const r = rewrite({ addMac: ['raw', 'text'], cpeId: 'c', addSubnet: { ipv4: { prefix: 32, address: null }, ipv6: null } }, q({}, '127.0.0.5'));
    assert.deepEqual(sentOpt(r)![1].map((o) => o.split('=')[0]), ['65001', '65073', '65074', '8']);
    assert.equal(r.cache, CacheRule.NEVER);
  });
});

describe('signed queries', () => {
  const cfg = { addSubnet: V4_24, cpeId: 'c' };
  it('a query with TSIG goes upstream untouched, shared with nobody, never cached', () => {
    const raw = bytes(header({ ar: 1 }), question(labels('r', 'test')), record(labels('key'), 250, 0, [0, 0]));
    const rw = EdnsRewriter.create({ ...OFF, ...cfg }, neighbours)!;
    const a = rw.rewrite(queryFrom(raw));
    const b = rw.rewrite(queryFrom(Buffer.from(raw)));
    assert.equal(a.msg.equals(raw), true);
    assert.equal(a.cache, CacheRule.NEVER);
    assert.notEqual(a.identity, b.identity);
  });
  it('a TKEY question goes upstream untouched', () => {
    const query = queryFrom(bytes(header(), question(labels('r', 'test'), 249)));
    assert.equal(rewrite(cfg, query).msg, query.msg);
  });
});
