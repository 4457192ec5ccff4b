/**
 * gatherScripts (src/config/gather-scripts.ts): a reload's conf-scripts run before the load,
 * without blocking: every script the configuration reaches, nested ones too, runs once, in the
 * order the load meets them; the outputs another process ran are taken instead of running; the
 * walk ends at a failure or an include error; and a script that keeps naming new ones is bounded.
 */
import { after, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { chmodSync, readFileSync } from 'node:fs';
import { ScriptFailure } from '../../../src/config/conf-script.js';
import { gatherScripts, MAX_SCRIPTS } from '../../../src/config/gather-scripts.js';
import { loadConfig } from '../../../src/config/load.js';
import { ScriptOutputs } from '../../../src/config/script-outputs.js';
import { describeRule, TempTree } from '../../helpers/config.js';

describe('gatherScripts', () => {
  const tree = new TempTree();
  after(() => tree.remove());
  const runs = tree.path('runs.log');
  /** A script that logs `name` to runs.log and prints `body`. */
  const script = (name: string, body: string): string => {
    const path = tree.write(`${name}.sh`, `#!/bin/sh\necho ${name} >> ${runs}\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  };
  const ran = (): string[] => {
    try {
      return readFileSync(runs, 'utf8').trim().split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };

  it('runs each script once, nested ones too, and the load then runs none', async () => {
    const inner = script('inner', 'echo "server=/inner.test/127.0.0.5"');
    const inc = tree.write('inc.conf', `conf-script=${inner}\n`);
    const outer = script('outer', `echo "server=/outer.test/127.0.0.4"\necho "conf-file=${inc}"`);
    const last = script('last', 'echo "server=/last.test/127.0.0.6"');
    const conf = tree.write('nested.conf', `no-resolv\nconf-script=${outer}\nserver=/mid.test/127.0.0.7\nconf-script=${last}\n`);
    const outputs = await gatherScripts({ file: conf });
    assert.deepEqual(ran(), ['outer', 'inner', 'last']);
    assert.deepEqual(outputs.results.map((r) => r.command), [outer, inner, last]);
    const c = loadConfig({ file: conf, scripts: outputs.replaying(() => assert.fail('the load runs nothing')) });
    assert.deepEqual(c.rules.map(describeRule), [
      'suffix:outer.test fwd 127.0.0.4#53', 'suffix:inner.test fwd 127.0.0.5#53', 'suffix:mid.test fwd 127.0.0.7#53', 'suffix:last.test fwd 127.0.0.6#53',
    ]);
  });

  it('takes the outputs it is given instead of running those scripts', async () => {
    const given = script('given', 'echo "server=/given.test/127.0.0.1"');
    const other = script('other', 'echo "no-negcache"');
    const conf = tree.write('given.conf', `conf-script=${given}\nconf-script=${other}\n`);
    const known = ScriptOutputs.from([{ command: given, output: 'server=/from-primary.test/127.0.0.2\n' }])!;
    const before = ran().length;
    const outputs = await gatherScripts({ file: conf }, known);
    assert.deepEqual(ran().slice(before), ['other'], 'only the script it was not given runs');
    assert.deepEqual(outputs.results, [{ command: given, output: 'server=/from-primary.test/127.0.0.2\n' }, { command: other, output: 'no-negcache\n' }]);
    assert.equal(known.size, 1, 'what it was given is not changed');
  });

  it('stops at a failing script, recording the failure for the load to report', async () => {
    const after1 = script('after-failure', 'echo "no-negcache"');
    const conf = tree.write('failing.conf', `no-resolv\nconf-script=echo down >&2; exit 3\nconf-script=${after1}\n`);
    const before = ran().length;
    const outputs = await gatherScripts({ file: conf });
    assert.deepEqual(ran().slice(before), [], 'nothing after the failure runs');
    assert.equal(outputs.anyFailed, true);
    assert.throws(() => loadConfig({ file: conf, scripts: outputs.replaying(() => assert.fail('not run')) }), (e: unknown) =>
      e instanceof ScriptFailure && e.exitCode === 13 && e.message === `${conf}:2: conf-script "echo down >&2; exit 3" exited with code 3: down`);
  });

  it('stops at an include error, which the load reports', async () => {
    const conf = tree.write('missing.conf', `conf-file=${tree.path('absent.conf')}\nconf-script=echo no-negcache\n`);
    const outputs = await gatherScripts({ file: conf });
    assert.equal(outputs.size, 0);
    assert.throws(() => loadConfig({ file: conf, scripts: outputs.replaying() }), /absent.conf: No such file/);
  });

  it('follows command-line lines and passes over text with no include', async () => {
    const big = tree.write('big.conf', Array.from({ length: 50_000 }, (_, i) => `address=/a${i}.test/0.0.0.0`).join('\n'));
    const outputs = await gatherScripts({ cliLines: [{ name: 'conf-script', value: 'echo cli', origin: { file: 'command line', line: 0 } }], file: big });
    assert.deepEqual(outputs.results, [{ command: 'echo cli', output: 'cli\n' }]);
  });

  it('runs at most MAX_SCRIPTS scripts for one load', async () => {
    let n = 0;
    const conf = tree.write('endless.conf', 'conf-script=next 0\n');
    const outputs = await gatherScripts({ file: conf }, null, async () => `conf-script=next ${++n}\n`);
    assert.equal(n, MAX_SCRIPTS);
    assert.equal(outputs.size, MAX_SCRIPTS);
  });
});
