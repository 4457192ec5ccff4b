/**
 * The hosts file format (hosts(5)): address then names, `#` comments anywhere, names
 * canonicalised, lines without an address or a valid name skipped.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { hostsEntries } from '../../../src/config/hosts-file.js';

const entriesOf = (text: string) => [...hostsEntries(text, 'hosts')].map((e) => `${e.address} ${e.names.join(' ')} @${e.line}`);

describe('hostsEntries', () => {
  const rows: [string, string, string[]][] = [
    ['one entry', '192.0.2.1 h.test', ['192.0.2.1 h.test @1']],
    ['aliases, tabs and case', '192.0.2.1\tH.Test  alias1   Alias2.TEST.', ['192.0.2.1 h.test alias1 alias2.test @1']],
    ['IPv6 and a scope', '::1 localhost\nfe80::1%lo link.test', ['::1 localhost @1', 'fe80::1 link.test @2']],
    ['comments', '# a comment\n192.0.2.2 c.test # trailing\n#192.0.2.3 d.test', ['192.0.2.2 c.test @2']],
    ['a glued comment', '192.0.2.4 e.test#x', ['192.0.2.4 e.test @1']],
    ['no name', '192.0.2.5', []],
    ['no address', 'host.test other.test', []],
    ['bad names dropped, good kept', `192.0.2.6 a..b ${'x'.repeat(64)} ok.test`, ['192.0.2.6 ok.test @1']],
    ['only bad names', '192.0.2.7 a..b', []],
    ['CRLF and blank lines', '\r\n\r\n192.0.2.8 f.test\r\n', ['192.0.2.8 f.test @3']],
  ];
  for (const [what, text, entries] of rows) it(what, () => assert.deepEqual(entriesOf(text), entries));

  it('records the file', () => assert.equal([...hostsEntries('192.0.2.1 h.test', '/etc/hosts')][0]?.file, '/etc/hosts'));
});
