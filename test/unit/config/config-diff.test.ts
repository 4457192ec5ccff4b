/**
 * Config.optionText (every option line applied, in order: command line, files with their
 * includes, servers-file) and configChanges, what a reload logs: lines added and removed as
 * multisets, so order and file layout are no change; the log fields capped.
 */
import { after, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseCli } from '../../../src/config/cli-args.js';
import { changesForLog, configChanges } from '../../../src/config/config-diff.js';
import { loadConfig, parseConfigText } from '../../../src/config/load.js';
import { TempTree } from '../../helpers/config.js';

describe('Config.optionText', () => {
  const tree = new TempTree();
  after(() => tree.remove());

  it('lists the lines applied: command line first, includes where they are, servers-file last, comments and blanks gone', () => {
    const inc = tree.write('inc.conf', '# an include\nserver=/inc.test/127.0.0.2\n');
    const sf = tree.write('servers', 'server=/consul/127.0.0.9#8600\naddress=/x.test/10.0.0.1\n');
    const main = tree.write('main.conf', `no-resolv\n\nserver=127.0.0.1 # default\nconf-file=${inc}\nservers-file=${sf}\ncache-size=500\n`);
    const c = loadConfig({ cliLines: parseCli(['--port=5353', '--log-queries']).lines, file: main });
    assert.deepEqual(c.optionText.split('\n'), [
      'port=5353', 'log-queries', 'no-resolv', 'server=127.0.0.1', `conf-file=${inc}`, 'server=/inc.test/127.0.0.2',
      `servers-file=${sf}`, 'cache-size=500', 'server=/consul/127.0.0.9#8600',
    ], 'the servers-file line that is not server= was skipped with a warning, so it is not applied');
  });

  it('leaves out a file line that the command line overrides, and dnsmasq options fandns ignores', () => {
    const main = tree.write('override.conf', 'port=53\ndhcp-range=10.0.0.10,10.0.0.20\n');
    const c = loadConfig({ cliLines: parseCli(['--port=5353']).lines, file: main });
    assert.equal(c.optionText, 'port=5353');
  });

  it('is empty for an empty configuration', () => {
    assert.equal(parseConfigText('# nothing\n').optionText, '');
  });
});

describe('configChanges', () => {
  const conf = (text: string) => parseConfigText(text);

  it('finds nothing when only order and comments differ', () => {
    const a = conf('server=127.0.0.1\nserver=/consul/127.0.0.2#8600\ncache-size=100\n');
    const b = conf('# reordered\ncache-size=100\nserver=/consul/127.0.0.2#8600\nserver=127.0.0.1\n');
    assert.deepEqual(configChanges(a, b), { added: [], removed: [] });
    assert.deepEqual(configChanges(a, a), { added: [], removed: [] });
  });

  it('lists what was added and removed, each in its configuration\'s order', () => {
    const a = conf('server=127.0.0.1\nserver=/consul/127.0.0.2#8600\ncache-size=100\nlog-queries\n');
    const b = conf('server=/consul/127.0.0.3#8600\nserver=127.0.0.1\ncache-size=1000\nserver=/consul/127.0.0.4#8600\n');
    assert.deepEqual(configChanges(a, b), {
      added: ['server=/consul/127.0.0.3#8600', 'cache-size=1000', 'server=/consul/127.0.0.4#8600'],
      removed: ['server=/consul/127.0.0.2#8600', 'cache-size=100', 'log-queries'],
    });
  });

  it('counts repeated lines: a line given twice, then once, is one removed', () => {
    const a = conf('address=/a.test/10.0.0.1\naddress=/a.test/10.0.0.1\n');
    const b = conf('address=/a.test/10.0.0.1\n');
    assert.deepEqual(configChanges(a, b), { added: [], removed: ['address=/a.test/10.0.0.1'] });
    assert.deepEqual(configChanges(b, a), { added: ['address=/a.test/10.0.0.1'], removed: [] });
  });

  it('caps the log fields and says how many lines it did not list', () => {
    const many = (ip: string) => conf(Array.from({ length: 120 }, (_, i) => `address=/n${i}.test/${ip}`).join('\n'));
    const f = changesForLog(configChanges(many('10.0.0.1'), many('10.0.0.2')), 50);
    assert.equal((f['added'] as string[]).length, 50);
    assert.equal((f['removed'] as string[]).length, 50);
    assert.equal(f['notListed'], 140);
    assert.deepEqual(changesForLog({ added: ['a'], removed: [] }), { added: ['a'], removed: [] });
  });
});
