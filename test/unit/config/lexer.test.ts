/**
 * The config lexer (reference §6.1): one `name[=value]` per line, `#` a comment only at the start
 * of a token, quotes protecting `#`, `,` and spaces, whitespace and tabs around the name and `=`
 * ignored, physical 1-based line numbers.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { lexConfig, splitFields } from '../../../src/config/lexer.js';
import { parseConfigText } from '../../../src/config/load.js';
import { assertConfigError, describeRule } from '../../helpers/config.js';

/** `[name, value]` pairs of one lexed text. */
const pairs = (text: string) => [...lexConfig(text, 'lex.conf')].map((l) => [l.name, l.value]);

describe('lexConfig', () => {
  const rows: [string, string, (string | null)[][]][] = [
    ['a flag', 'no-resolv', [['no-resolv', null]]],
    ['a value', 'port=53', [['port', '53']]],
    ['whitespace around the name and "="', '  server  =  127.0.0.1  ', [['server', '127.0.0.1']]],
    ['tabs as whitespace', '\tserver\t=\t127.0.0.1\t', [['server', '127.0.0.1']]],
    ['a comment line', '# server=127.0.0.1', []],
    ['an indented comment line', '   # server=127.0.0.1', []],
    ['a trailing comment after a space', 'server=127.0.0.1   # note', [['server', '127.0.0.1']]],
    ['a trailing comment after a tab', 'server=127.0.0.1\t# note', [['server', '127.0.0.1']]],
    ['a glued # is data (port)', 'server=127.0.0.1#53', [['server', '127.0.0.1#53']]],
    ['a glued # is data (address)', 'address=/x/#', [['address', '/x/#']]],
    ['a glued # is data (default domain)', 'server=/#/127.0.0.1', [['server', '/#/127.0.0.1']]],
    ['# inside quotes is data', 'x="a #b"', [['x', '"a #b"']]],
    ['; is not a comment', '; x', [['; x', null]]],
    ['an empty value', 'resolv-file=', [['resolv-file', '']]],
    ['only the first "=" splits', 'x=a=b', [['x', 'a=b']]],
    ['blank lines', '\n  \n\t\n', []],
    ['a last line without a newline', 'no-resolv\nport=53', [['no-resolv', null], ['port', '53']]],
    ['a last line ending in CR alone', 'port=53\r', [['port', '53']]],
    ['an empty text', '', []],
  ];
  for (const [what, text, expected] of rows) {
    it(what, () => assert.deepEqual(pairs(text), expected));
  }

  it('numbers physical lines from 1, with LF or CRLF', () => {
    const lines = [...lexConfig('# one\n\nport=53\r\nno-resolv\r\n', 'n.conf')];
    assert.deepEqual(lines.map((l) => [l.name, l.origin.line]), [['port', 3], ['no-resolv', 4]]);
    assert.ok(lines.every((l) => l.origin.file === 'n.conf'));
  });

  it('keeps the letter case of option names', () => {
    assert.deepEqual(pairs('Server=127.0.0.1'), [['Server', '127.0.0.1']]);
  });

  it('rejects an unterminated quote, naming file:line', () => {
    assertConfigError(() => [...lexConfig('port=53\nx="abc', 'q.conf')], 'FANDNS_CONFIG_SYNTAX', 'q.conf:2', /missing closing "/);
  });

  it('yields each line as it reads it: an error is thrown when its line is reached', () => {
    const lines = lexConfig('port=53\nx="abc', 'q.conf');
    assert.deepEqual(lines.next().value, { name: 'port', value: '53', origin: { file: 'q.conf', line: 1 } });
    assertConfigError(() => lines.next(), 'FANDNS_CONFIG_SYNTAX', 'q.conf:2', /missing closing "/);
  });

  it('lets a backslash escape a quote inside quotes', () => {
    assert.deepEqual(pairs('x="a\\" #b"'), [['x', '"a\\" #b"']]);
  });
});

describe('splitFields', () => {
  const rows: [string, string[]][] = [
    ['a,b,c', ['a', 'b', 'c']],
    [' a , b ', ['a', 'b']],
    ['"a,b",c', ['a,b', 'c']],
    ['" padded ",x', [' padded ', 'x']],
    ['"a\\"b\\\\c\\td"', ['a"b\\c\td']],
    ['', ['']],
    ['a,', ['a', '']],
  ];
  for (const [value, fields] of rows) {
    it(JSON.stringify(value), () => assert.deepEqual(splitFields(value), fields));
  }

  const limited: [string, number, string[]][] = [
    ['a,b,c,d', 3, ['a', 'b', 'c,d']],
    ['a , b , c , d ', 2, ['a', 'b , c , d']],
    ['a,"b,c",d', 2, ['a', 'b,c,d']],
    ['a,b', 3, ['a', 'b']],
    ['a,b,c', 1, ['a,b,c']],
  ];
  for (const [value, max, fields] of limited) {
    it(`${JSON.stringify(value)}, at most ${max}`, () => assert.deepEqual(splitFields(value, ',', max), fields));
  }
});

describe('lexing through parseConfigText', () => {
  it('reads a commented, indented, tabbed file', () => {
    const text = ['# upstreams', '\tno-resolv', 'server = 127.0.0.1#5353   # default', '  server=/consul/127.0.0.2#8600', ''].join('\n');
    const c = parseConfigText(text, 'mixed.conf');
    assert.deepEqual(c.rules.map(describeRule), ['default: fwd 127.0.0.1#5353', 'suffix:consul fwd 127.0.0.2#8600']);
    assert.deepEqual(c.rules.map((r) => r.origin.line), [3, 4]);
  });

  it('honours quotes in a server= value as dnsmasq does (quotes removed)', () => {
    const c = parseConfigText('server="127.0.0.1#5353"\nserver=/q.test/"127.0.0.2"', 'quote.conf');
    assert.deepEqual(c.rules.map(describeRule), ['default: fwd 127.0.0.1#5353', 'suffix:q.test fwd 127.0.0.2#53']);
  });

  it('keeps quoted commas inside one field of a multi-field value (txt-record)', () => {
    const [txt] = parseConfigText('txt-record=q.test,"a,b#c"', 'quote.conf').localRecords;
    assert.deepEqual(txt?.rdata, Buffer.from([5, ...Buffer.from('a,b#c')]));
  });

  it('honours quotes in a single value', () => {
    assert.equal(parseConfigText('port="5353"', 'quote.conf').listen.port, 5353);
  });
});
