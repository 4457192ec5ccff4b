/**
 * ScriptOutputs (src/config/script-outputs.ts): the outputs one load's conf-scripts gave, recorded
 * in order and given to a later load instead of running the scripts again: each line of a command
 * gets its own run's output, a recorded failure is thrown naming the line at hand, a run not
 * recorded is left to the fallback, and outputs passed between processes are checked.
 */
import { after, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { ScriptFailure } from '../../../src/config/conf-script.js';
import { ScriptOutputs, type ScriptRunner } from '../../../src/config/script-outputs.js';
import { loadConfig } from '../../../src/config/load.js';
import { describeRule, TempTree } from '../../helpers/config.js';

const at = (line: number) => ({ file: 'main.conf', line });

describe('ScriptOutputs', () => {
  const tree = new TempTree();
  after(() => tree.remove());

  it('records each run in order, and gives each line of a command its own run when replayed', () => {
    let n = 0;
    const counting: ScriptRunner = (command) => `${command} run ${++n}\n`;
    const outputs = new ScriptOutputs();
    const record = outputs.recording(counting);
    assert.equal(record('a', at(1)), 'a run 1\n');
    assert.equal(record('b', at(2)), 'b run 2\n');
    assert.equal(record('a', at(3)), 'a run 3\n');
    assert.equal(outputs.size, 3);
    const replay = outputs.replaying(() => assert.fail('nothing is run again'));
    assert.equal(replay('a', at(1)), 'a run 1\n');
    assert.equal(replay('a', at(3)), 'a run 3\n');
    assert.equal(replay('b', at(2)), 'b run 2\n');
    assert.equal(outputs.replaying(() => 'ran')('c', at(4)), 'ran', 'a command not recorded is run');
    const again = outputs.replaying(() => 'third a ran');
    again('a', at(1));
    again('a', at(3));
    assert.equal(again('a', at(5)), 'third a ran', 'a line more than were recorded is run');
  });

  it('records a failure and throws it again naming the line of the load at hand', () => {
    const outputs = new ScriptOutputs();
    const failing: ScriptRunner = (command, from) => {
      throw new ScriptFailure(command, from, 'exited with code 4: list server down', 14);
    };
    assert.throws(() => outputs.recording(failing)('fetch', at(2)), ScriptFailure);
    assert.equal(outputs.anyFailed, true);
    assert.throws(() => outputs.replaying()('fetch', at(7)), (e: unknown) =>
      e instanceof ScriptFailure && e.exitCode === 14 && e.code === 'FANDNS_CONFIG_SCRIPT' &&
      e.message === 'main.conf:7: conf-script "fetch" exited with code 4: list server down');
  });

  it('does not record an error that is not a script\'s failure', () => {
    const outputs = new ScriptOutputs();
    assert.throws(() => outputs.recording(() => {
      throw new Error('bug');
    })('x', at(1)), /bug/);
    assert.equal(outputs.size, 0);
    assert.equal(outputs.noteFailure(new Error('bug')), false);
  });

  it('takes outputs passed between processes only when they are a list of outputs', () => {
    const good = [{ command: 'a', output: 'no-negcache\n' }, { command: 'b', failure: 'was killed by SIGKILL', exitCode: 1 }];
    assert.deepEqual(ScriptOutputs.from(JSON.parse(JSON.stringify(good)))?.results, good);
    for (const bad of [null, {}, [{ command: 'a' }], [{ output: 'x' }], [{ command: 'a', failure: 'x' }], [{ command: 'a', failure: 'x', exitCode: 1.5 }], ['a']]) {
      assert.equal(ScriptOutputs.from(bad), null, JSON.stringify(bad));
    }
  });

  it('loads the same configuration from recorded outputs as from running the scripts', () => {
    const list = tree.write('list.txt', 'ads.test\n');
    const conf = tree.write('main.conf', `no-resolv\nconf-script=sed 's|.*|address=/&/0.0.0.0|' ${list}\nserver=127.0.0.1#5300\n`);
    const outputs = new ScriptOutputs();
    const direct = loadConfig({ file: conf, scripts: outputs.recording() });
    tree.write('list.txt', 'changed.test\n');
    const replayed = loadConfig({ file: conf, scripts: outputs.replaying(() => assert.fail('not run again')) });
    assert.equal(replayed.optionText, direct.optionText);
    assert.deepEqual(replayed.rules.map(describeRule), ['suffix:ads.test addr4 0.0.0.0', 'default: fwd 127.0.0.1#5300']);
  });
});
