/**
 * resolv.conf as a server source (reference §1.7): only `nameserver`/`server` lines with an IP
 * literal count, the port is always 53, and everything else is ignored. Pure text; no file is read.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseResolvConf } from '../../../src/config/resolv.js';
import { describeUpstream } from '../../helpers/config.js';

const serversOf = (text: string) => parseResolvConf(text, 'r.conf').map(describeUpstream);

describe('parseResolvConf', () => {
  const rows: [string, string, string[]][] = [
    ['a nameserver line', 'nameserver 127.0.0.53', ['127.0.0.53#53']],
    ['a server line', 'server 127.0.0.54', ['127.0.0.54#53']],
    ['IPv6 with a scope', 'nameserver fe80::1%lo', ['fe80::1%lo#53']],
    ['extra whitespace and tabs', '  nameserver\t127.0.0.55   ', ['127.0.0.55#53']],
    ['file order', 'nameserver 127.0.0.2\nnameserver 127.0.0.1', ['127.0.0.2#53', '127.0.0.1#53']],
    ['a #port makes the line ignored', 'nameserver 127.0.0.71#5353', []],
    ['a host name is ignored', 'nameserver localhost', []],
    ['0.0.0.0 is ignored', 'nameserver 0.0.0.0', []],
    ['search, options and comments are ignored', 'search example.com\noptions ndots:2\n# nameserver 127.0.0.9\n; x', []],
    ['a nameserver without address is ignored', 'nameserver', []],
    ['case matters for the keyword', 'Nameserver 127.0.0.1', []],
  ];
  for (const [what, text, servers] of rows) it(what, () => assert.deepEqual(serversOf(text), servers));

  it('records file and line', () => {
    const [s] = parseResolvConf('# x\r\nnameserver 127.0.0.1\r\n', 'resolv.conf');
    assert.deepEqual(s?.origin, { file: 'resolv.conf', line: 2 });
    assert.equal(s?.family, 4);
  });
});
