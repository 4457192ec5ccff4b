/**
 * servers-file= (reference §1.6): server= and rev-server= lines read after every other config
 * line; other options, bad lines and a missing file are warnings naming file:line, never errors.
 */
import { after, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { loadConfig, parseConfigText } from '../../../src/config/load.js';
import { assertConfigError, describeRule, TempTree } from '../../helpers/config.js';

describe('servers-file=', () => {
  const tree = new TempTree();
  after(() => tree.remove());

  it('adds its server= and rev-server= lines after every config line, with their own file:line', () => {
    const sf = tree.write('servers', '# written by a template\n\nserver=/a.test/127.0.0.2#5353\nrev-server=10.0.0.0/8,127.0.0.3\n');
    const main = tree.write('main.conf', `server=127.0.0.1\nservers-file=${sf}\nserver=/after.test/127.0.0.4\n`);
    const c = loadConfig({ file: main });
    assert.deepEqual(c.rules.map(describeRule), [
      'default: fwd 127.0.0.1#53',
      'suffix:after.test fwd 127.0.0.4#53',
      'suffix:a.test fwd 127.0.0.2#5353',
      'suffix:10.in-addr.arpa fwd 127.0.0.3#53',
    ]);
    assert.deepEqual(c.rules[2]!.origin, { file: sf, line: 3 });
    assert.deepEqual(c.warnings, []);
    assert.ok(c.files.includes(sf));
  });

  it('takes server=/d/ (local only) and server=/d/# there, as dnsmasq does', () => {
    const sf = tree.write('local-forms', 'server=/lan/\nserver=/www.lan/#\n');
    const c = parseConfigText(`servers-file=${sf}`);
    assert.deepEqual(c.rules.map(describeRule), ['suffix:lan local', 'suffix:www.lan use-default']);
  });

  it('skips any other option with a warning naming file:line (dnsmasq: "illegal option")', () => {
    const sf = tree.write('others', 'local=/b.test/\naddress=/c.test/1.2.3.4\nport=99\nserver=/d.test/127.0.0.5\n');
    const c = parseConfigText(`servers-file=${sf}`);
    assert.deepEqual(c.rules.map(describeRule), ['suffix:d.test fwd 127.0.0.5#53']);
    assert.equal(c.listen.port, 53);
    assert.equal(c.warnings.length, 3);
    assert.match(c.warnings[0]!, new RegExp(`^${sf}:1: a servers-file holds only server= and rev-server= lines; "local" ignored`));
    assert.match(c.warnings[1]!, new RegExp(`^${sf}:2: .*"address" ignored`));
    assert.match(c.warnings[2]!, new RegExp(`^${sf}:3: .*"port" ignored`));
  });

  it('skips a line that does not parse, keeps the rest, and says why with file:line', () => {
    const sf = tree.write('bad', 'server=/bad.test/not_an_ip\nserver="/q.test/127.0.0.6\r\nserver\nserver=/ok.test/127.0.0.7\r\n');
    const c = parseConfigText(`servers-file=${sf}`);
    assert.deepEqual(c.rules.map(describeRule), ['suffix:ok.test fwd 127.0.0.7#53']);
    assert.equal(c.warnings.length, 3);
    assert.match(c.warnings[0]!, new RegExp(`^${sf}:1: .*; line ignored$`));
    assert.match(c.warnings[1]!, new RegExp(`^${sf}:2: missing closing " \\(quote\\); line ignored$`));
    assert.match(c.warnings[2]!, new RegExp(`^${sf}:3: .*; line ignored$`));
  });

  it('starts without it when the file is missing, with a warning naming the servers-file= line', () => {
    const missing = tree.path('no-such-servers');
    const c = parseConfigText(`server=127.0.0.1\nservers-file=${missing}\n`, 'main.conf');
    assert.deepEqual(c.rules.map(describeRule), ['default: fwd 127.0.0.1#53']);
    assert.deepEqual(c.warnings, [`main.conf:2: cannot read ${missing}: No such file or directory; no servers read from it`]);
  });

  it('may be given once, like dnsmasq (a second one is an error naming both lines)', () => {
    assertConfigError(() => parseConfigText('servers-file=/x\nservers-file=/y\n', 'main.conf'),
      'FANDNS_CONFIG_REPEATED', 'main.conf:2', /first at main\.conf:1/);
  });

  it('reads the file again on every load, so a SIGHUP sees its new contents', () => {
    const sf = tree.write('changing', 'server=/one.test/127.0.0.8\n');
    const main = tree.write('changing.conf', `servers-file=${sf}\n`);
    assert.deepEqual(loadConfig({ file: main }).rules.map(describeRule), ['suffix:one.test fwd 127.0.0.8#53']);
    tree.write('changing', 'server=/two.test/127.0.0.9\n');
    assert.deepEqual(loadConfig({ file: main }).rules.map(describeRule), ['suffix:two.test fwd 127.0.0.9#53']);
  });
});
