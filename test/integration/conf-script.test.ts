/**
 * conf-script= with the real process: a script that turns a list file into config lines (as a
 * block-list updater would) is run at start, and again on SIGHUP, so an edited list applies
 * without a restart; while a reload's script runs, queries are answered on the running
 * configuration. A script that fails at start stops fandns with 10 + its exit code and the
 * conf-script line named; one that fails on SIGHUP leaves the running configuration in force.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli, waitForLog } from '../helpers/cli-process.js';
import { answerData, query } from '../helpers/dns-client.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';

describe('conf-script (CLI process)', () => {
  let dir: string;
  let up: FakeUpstream;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-confscript-'));
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.1', 300)] }));
  });
  after(async () => {
    await up.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A script printing `address=/NAME/0.0.0.0` for each name of the list file given as its argument. */
  const blocklist = (): string => {
    const path = join(dir, 'blocklist.sh');
    writeFileSync(path, '#!/bin/sh\nset -e\nwhile read -r name; do [ -n "$name" ] && echo "address=/$name/0.0.0.0"; done < "$1"\n');
    chmodSync(path, 0o755);
    return path;
  };

  it('applies the script\'s output at start and runs it again on SIGHUP', async () => {
    const list = join(dir, 'names.txt');
    writeFileSync(list, 'ads.example\n');
    const conf = join(dir, 'fandns.conf');
    writeFileSync(conf, ['no-resolv', 'no-hosts', 'listen-address=127.0.0.1', `server=${up.spec}`, `conf-script=${blocklist()} ${list}`, ''].join('\n'));
    const p = await startCli(['-C', conf, '--port', '0', '--user=root']);
    try {
      assert.deepEqual(answerData((await query(p.port, 'ads.example')).packet), ['0.0.0.0']);
      assert.deepEqual(answerData((await query(p.port, 'tracker.example')).packet), ['10.0.0.1']);
      writeFileSync(list, 'ads.example\ntracker.example\n');
      process.kill(p.pid, 'SIGHUP');
      await waitForLog(p, (r) => r['msg'] === 'configuration reloaded');
      assert.deepEqual(answerData((await query(p.port, 'tracker.example')).packet), ['0.0.0.0'], 'the edited list applies');

      rmSync(list); // the script now fails: sh cannot open its input
      process.kill(p.pid, 'SIGHUP');
      const [line] = await waitForLog(p, (r) => r['msg'] === 'reload rejected; keeping the running configuration');
      assert.match(String(line!['err']), new RegExp(`${conf}:5: conf-script ".*" exited with code [12]`));
      assert.deepEqual(answerData((await query(p.port, 'tracker.example')).packet), ['0.0.0.0'], 'the running configuration stays');
    } finally {
      assert.deepEqual(await p.stop(), { code: 0, signal: null }, p.stderr());
    }
  });

  it('answers queries on the running configuration while a reload\'s script runs', async () => {
    const armed = join(dir, 'armed');
    const started = join(dir, 'started');
    const release = join(dir, 'release');
    // At start it answers at once; after `armed`, it says it started and waits (at most 20 s) for `release`.
    const slow = join(dir, 'slow.sh');
    writeFileSync(slow, [
      '#!/bin/sh',
      `if [ -e ${armed} ]; then`,
      `  touch ${started}`,
      '  i=0',
      `  while [ ! -e ${release} ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done`,
      '  echo "address=/slow.example/10.9.9.9"',
      'else',
      '  echo "address=/slow.example/10.9.9.1"',
      'fi',
      '',
    ].join('\n'));
    chmodSync(slow, 0o755);
    const conf = join(dir, 'slow.conf');
    writeFileSync(conf, ['no-resolv', 'no-hosts', 'listen-address=127.0.0.1', `server=${up.spec}`, `conf-script=${slow}`, ''].join('\n'));
    const p = await startCli(['-C', conf, '--port', '0', '--user=root']);
    try {
      assert.deepEqual(answerData((await query(p.port, 'slow.example')).packet), ['10.9.9.1']);
      writeFileSync(armed, '');
      process.kill(p.pid, 'SIGHUP');
      for (let i = 0; i < 200 && !existsSync(started); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(existsSync(started), 'the reload\'s script started');
      assert.deepEqual(answerData((await query(p.port, 'slow.example', { timeoutMs: 5000 })).packet), ['10.9.9.1'], 'answered from the running configuration');
      assert.deepEqual(answerData((await query(p.port, 'forwarded.example', { timeoutMs: 5000 })).packet), ['10.0.0.1'], 'forwarded meanwhile');
      writeFileSync(release, '');
      await waitForLog(p, (r) => r['msg'] === 'configuration reloaded');
      assert.deepEqual(answerData((await query(p.port, 'slow.example')).packet), ['10.9.9.9'], 'the script\'s new output applies');
    } finally {
      writeFileSync(release, '');
      assert.deepEqual(await p.stop(), { code: 0, signal: null }, p.stderr());
    }
  });

  it('stops at start with 10 + the script\'s exit code, naming the line', async () => {
    const conf = join(dir, 'failing.conf');
    writeFileSync(conf, ['no-resolv', 'listen-address=127.0.0.1', 'conf-script=echo list server down >&2; exit 4', ''].join('\n'));
    const r = await runCli(['-C', conf, '--port', '0']);
    assert.equal(r.code, 14);
    assert.match(r.stderr, new RegExp(`fandns: ${conf}:3: conf-script "echo list server down >&2; exit 4" exited with code 4: list server down`));
  });
});
