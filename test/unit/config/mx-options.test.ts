/**
 * mx-host=, mx-target=, localmx and selfmx through parseConfigText: what each line becomes in
 * Config.mx, and the malformed values as ConfigErrors naming file:line. (dnsmasq 2.90 accepts an
 * empty mx-target and `bad..name`, and refuses `localmx=1`: checked with `dnsmasq --test`.)
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import type { ErrorCode } from '../../../src/errors.js';
import { assertConfigError } from '../../helpers/config.js';

const parse = (text: string) => parseConfigText(`no-resolv\n${text}`, 'mx.conf');

/** The mx-host lines of a config as `name>target/preference` (`*` for the default target). */
const hostsOf = (text: string) => parse(text).mx.hosts.map((h) => `${h.name}>${h.target ?? '*'}/${h.preference}`);

/** Rejects `line` (given on line 2) with `code` and a message matching `message`. */
function rejects(line: string, code: ErrorCode, message: RegExp): void {
  assertConfigError(() => parse(line), code, 'mx.conf:2', message);
}

describe('mx-host=', () => {
  const rows: [string, string][] = [
    ['mx-host=ex.test,mail.ex.test,10', 'ex.test>mail.ex.test/10'],
    ['mx-host=Ex.Test,Mail.Ex.Test', 'ex.test>mail.ex.test/1'],
    ['mx-host=ex.test', 'ex.test>*/1'],
    // The man page's <mx name>,<preference>: dnsmasq 2.90 makes "5" the target instead.
    ['mx-host=ex.test,5', 'ex.test>*/5'],
  ];
  for (const [line, want] of rows) it(`${line} -> ${want}`, () => assert.deepEqual(hostsOf(line), [want]));

  it('keeps every line, in order', () => {
    assert.deepEqual(hostsOf('mx-host=a.test,m1.test,3\nmx-host=a.test,m2.test,4'), ['a.test>m1.test/3', 'a.test>m2.test/4']);
  });

  const errors: [string, RegExp][] = [
    ['mx-host=ex.test,mail.ex.test,x', /bad MX preference/],
    ['mx-host=ex.test,mail.ex.test,70000', /bad MX preference/],
    ['mx-host=a..b', /bad mx-host name/],
    ['mx-host=ex.test,a..b,1', /bad mx-host target/],
  ];
  for (const [line, message] of errors) it(`rejects ${line}`, () => rejects(line, 'FANDNS_CONFIG_VALUE', message));
});

describe('mx-target=, localmx, selfmx', () => {
  it('are off by default', () => {
    assert.deepEqual(parse('').mx, { hosts: [], target: null, localmx: false, selfmx: false });
  });

  it('set the default target and the flags', () => {
    const mx = parse('mx-target=Mail.Example.COM\nlocalmx\nselfmx').mx;
    assert.deepEqual({ ...mx, hosts: [] }, { hosts: [], target: 'mail.example.com', localmx: true, selfmx: true });
  });

  const errors: [string, ErrorCode, RegExp][] = [
    ['mx-target=', 'FANDNS_CONFIG_SYNTAX', /mx-target needs a value/],
    ['mx-target=bad..name', 'FANDNS_CONFIG_VALUE', /bad mx-target "bad..name"/],
    ['localmx=1', 'FANDNS_CONFIG_SYNTAX', /localmx takes no value/],
    ['selfmx=yes', 'FANDNS_CONFIG_SYNTAX', /selfmx takes no value/],
  ];
  for (const [line, code, message] of errors) it(`rejects ${line}`, () => rejects(line, code, message));

  it('takes mx-target once per file, as dnsmasq ("illegal repeated keyword")', () => {
    assertConfigError(() => parse('mx-target=a.test\nmx-target=b.test'), 'FANDNS_CONFIG_REPEATED', 'mx.conf:3');
  });
});
