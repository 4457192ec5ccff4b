/**
 * conf-script= (src/config/conf-script.ts): the command runs through /bin/sh with its arguments,
 * its output is read as a config file at the point of the line, errors in the output name the
 * output's line, and a script that fails, is killed or runs too long is a config error naming the
 * conf-script line, with dnsmasq's exit code (10 + the script's).
 */
import { chmodSync, readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { runConfScript, runConfScriptAsync, ScriptFailure } from '../../../src/config/conf-script.js';
import { ConfigError, ExitCode } from '../../../src/errors.js';
import { assertConfigError, describeRule, TempTree } from '../../helpers/config.js';
import { waitGone } from '../../helpers/proc.js';

const ORIGIN = { file: 'main.conf', line: 4 };

describe('conf-script=', () => {
  const tree = new TempTree();
  after(() => tree.remove());
  const script = (name: string, body: string): string => {
    const path = tree.write(name, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  };

  it('reads what the command prints, with its arguments, at the point of the line', () => {
    const gen = script('gen.sh', 'echo "server=/svc.test/127.0.0.1#$1"\necho "server=/other.test/127.0.0.2"');
    const c = parseConfigText(`server=/first.test/127.0.0.9\nconf-script=${gen} 8600\nserver=/last.test/127.0.0.8\n`);
    assert.deepEqual(c.rules.map(describeRule), [
      'suffix:first.test fwd 127.0.0.9#53', 'suffix:svc.test fwd 127.0.0.1#8600', 'suffix:other.test fwd 127.0.0.2#53', 'suffix:last.test fwd 127.0.0.8#53',
    ]);
    assert.deepEqual(c.rules[1]!.origin, { file: `output of ${gen} 8600`, line: 1 });
    assert.match(c.optionText, /^conf-script=/m);
    assert.match(c.optionText, /^server=\/svc.test\/127.0.0.1#8600$/m, 'its lines count as the configuration\'s own');
  });

  it('runs shell command lines too, as dnsmasq\'s popen does', () => {
    const c = parseConfigText(`conf-script=printf 'server=/a.test/127.0.0.3\\nno-negcache\\n'\n`);
    assert.deepEqual(c.rules.map(describeRule), ['suffix:a.test fwd 127.0.0.3#53']);
    assert.equal(c.cache.noNegcache, true);
  });

  it('names the output line of a bad option', () => {
    const gen = script('bad.sh', 'echo "server=/ok.test/127.0.0.1"\necho "port=99999"');
    assertConfigError(() => parseConfigText(`conf-script=${gen}\n`), 'FANDNS_CONFIG_VALUE', `output of ${gen}:2`, /port=99999 is out of range/);
  });

  it('follows conf-file= and further conf-script= lines in the output', () => {
    const inc = tree.write('inc.conf', 'server=/inc.test/127.0.0.4\n');
    const inner = script('inner.sh', 'echo "server=/inner.test/127.0.0.5"');
    const outer = script('outer.sh', `echo "conf-file=${inc}"\necho "conf-script=${inner}"`);
    const c = parseConfigText(`conf-script=${outer}\n`);
    assert.deepEqual(c.rules.map(describeRule), ['suffix:inc.test fwd 127.0.0.4#53', 'suffix:inner.test fwd 127.0.0.5#53']);
  });

  it('refuses a script whose output runs it again', () => {
    const path = tree.path('loop.sh');
    script('loop.sh', `echo "conf-script=${path}"`);
    assertConfigError(() => parseConfigText(`conf-script=${path}\n`), 'FANDNS_CONFIG_CYCLE', `output of ${path}:1`, /include cycle/);
  });

  it('is a config error naming the line when the script fails, with 10 + its exit code', () => {
    const err = assertConfigError(() => parseConfigText('\n\nconf-script=echo no such list >&2; exit 3\n'),
      'FANDNS_CONFIG_SCRIPT', 'inline.conf:3', /conf-script "echo no such list >&2; exit 3" exited with code 3: no such list$/);
    assert.equal(err.exitCode, 13);
  });

  it('is a config error when the command does not exist or names nothing', () => {
    assertConfigError(() => parseConfigText(`conf-script=${tree.path('missing.sh')}\n`), 'FANDNS_CONFIG_SCRIPT', 'inline.conf:1', /exited with code 127: .*not found/);
    assertConfigError(() => parseConfigText('conf-script=""\n'), 'FANDNS_CONFIG_SCRIPT', 'inline.conf:1', /names no command/);
  });

  it('is a config error when the script is killed or runs too long', () => {
    assertConfigError(() => parseConfigText('conf-script=kill -9 $$\n'), 'FANDNS_CONFIG_SCRIPT', 'inline.conf:1', /was killed by SIGKILL/);
    assert.throws(() => runConfScript('sleep 5', ORIGIN, 200), (e: unknown) =>
      e instanceof ConfigError && e.exitCode === ExitCode.CONFIG && /^main.conf:4: conf-script "sleep 5" did not finish within 0.2 s$/.test(e.message));
  });

  describe('run without blocking (a reload\'s runConfScriptAsync)', () => {
    /** The message and exit code both runners end in for `command`. */
    const bothFail = async (command: string, timeoutMs = 30_000): Promise<{ message: string; exitCode: number }> => {
      let sync: unknown;
      try {
        runConfScript(command, ORIGIN, timeoutMs);
      } catch (err) {
        sync = err;
      }
      const async = await runConfScriptAsync(command, ORIGIN, timeoutMs).then(() => null, (err: unknown) => err);
      assert.ok(sync instanceof ScriptFailure && async instanceof ScriptFailure, `both fail for ${command}`);
      assert.equal(async.message, sync.message);
      assert.equal(async.exitCode, sync.exitCode);
      assert.equal(async.why, sync.why);
      assert.equal(async.command, command);
      return { message: async.message, exitCode: async.exitCode };
    };

    it('gives the same output as the blocking run, arguments and all', async () => {
      const gen = script('gen2.sh', 'echo "server=/svc.test/127.0.0.1#$1"; echo "# $2"');
      const command = `${gen} 8600 'two words'`;
      assert.equal(await runConfScriptAsync(command, ORIGIN), runConfScript(command, ORIGIN));
      assert.equal(await runConfScriptAsync(command, ORIGIN), 'server=/svc.test/127.0.0.1#8600\n# two words\n');
    });

    it('fails as the blocking run does: exit code, missing command, no command, killed', async () => {
      assert.deepEqual(await bothFail('echo first >&2; echo gone >&2; exit 5'),
        { message: 'main.conf:4: conf-script "echo first >&2; echo gone >&2; exit 5" exited with code 5: gone', exitCode: 15 });
      assert.match((await bothFail(tree.path('absent.sh'))).message, /exited with code 127: .*not found/);
      assert.match((await bothFail(' ')).message, /names no command$/);
      assert.match((await bothFail('kill -9 $$')).message, /was killed by SIGKILL$/);
    });

    it('kills a script that runs too long', async () => {
      assert.deepEqual(await bothFail('sleep 5', 200), { message: 'main.conf:4: conf-script "sleep 5" did not finish within 0.2 s', exitCode: ExitCode.CONFIG });
    });

    it('kills what a script started too when it runs too long, blocking or not', async () => {
      for (const run of [(c: string) => Promise.resolve().then(() => runConfScript(c, ORIGIN, 300)), (c: string) => runConfScriptAsync(c, ORIGIN, 300)]) {
        const pidFile = tree.path(`child-${Math.random().toString(36).slice(2)}.pid`);
        // The shell waits on a child that holds its stdout (a hung curl, say).
        const err = await run(`sleep 30 & echo $! > ${pidFile}; wait`).then(() => null, (e: unknown) => e);
        assert.ok(err instanceof ScriptFailure && /did not finish within 0.3 s$/.test(err.message));
        const child = Number(readFileSync(pidFile, 'utf8'));
        assert.ok(child > 0);
        assert.ok(await waitGone(child), `the script's child ${child} was killed with it`);
      }
    });

    it('kills a script that writes more than it may', async () => {
      const err = await runConfScriptAsync('yes server=/a.test/127.0.0.1', ORIGIN, 30_000, 1024 * 1024).then(() => null, (e: unknown) => e);
      assert.ok(err instanceof ScriptFailure);
      assert.equal(err.message, 'main.conf:4: conf-script "yes server=/a.test/127.0.0.1" wrote more than 1 MiB');
    });

    it('answers other work while the script runs', async () => {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      try {
        assert.equal(await runConfScriptAsync('sleep 0.3; echo no-negcache', ORIGIN), 'no-negcache\n');
      } finally {
        clearInterval(timer);
      }
      assert.ok(ticks >= 5, `the event loop ran meanwhile (${ticks} ticks)`);
    });
  });
});
