/**
 * user= and group= through the real command (root only: dropping privileges needs them): by
 * default fandns ends up as nobody with no supplementary groups, still answering and still
 * logging to the file it opened (now owned by nobody); user=root keeps root; an unknown user or
 * group stops start-up with exit 1 and dnsmasq's message; a process that is not root ignores the
 * options.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeUpstream, freePort, rr } from '../helpers/fake-upstream.js';
import { query } from '../helpers/dns-client.js';
import { runCli, startCli, waitForLog } from '../helpers/cli-process.js';
import { processIds, skipUnlessRoot } from '../helpers/proc.js';
import { skipUnless } from '../helpers/tools.js';

const NOBODY = [65534, 65534, 65534, 65534];

describe('privilege drop (CLI process)', { skip: skipUnlessRoot() }, () => {
  let up: FakeUpstream;
  let dir: string;
  before(async () => {
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.7', 60)] }));
    dir = mkdtempSync(join(tmpdir(), 'fandns-priv-'));
  });
  after(async () => {
    await up?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const base = () => ['--listen-address=127.0.0.1', '--no-resolv', '--no-hosts', `--server=${up.spec}`];

  it('switches to nobody after binding; answers and logs on', async () => {
    const port = await freePort();
    const file = join(dir, 'fandns.log');
    const p = await startCli([...base(), `--port=${port}`, '--log-queries', `--log-facility=${file}`], 10_000, port);
    try {
      const ids = processIds(p.pid);
      assert.deepEqual([ids.uid, ids.gid, ids.groups], [NOBODY, NOBODY, []]);
      assert.equal((await query(port, 'after-drop.test')).packet.answers?.length, 1);
      assert.equal(statSync(file).uid, 65534, 'the log file is handed to the user, as dnsmasq does');
    } finally {
      assert.deepEqual(await p.stop(), { code: 0, signal: null });
    }
    const log = readFileSync(file, 'utf8');
    assert.match(log, /"user":"nobody","uid":65534,"group":"nogroup","gid":65534,"msg":"dropped privileges"/);
    assert.match(log, /"qname":"after-drop.test"/);
  });

  it('keeps root for --user=root', async () => {
    const p = await startCli([...base(), '--port=0', '--user=root']);
    try {
      assert.deepEqual(processIds(p.pid).uid, [0, 0, 0, 0]);
      assert.ok(!/dropped privileges/.test(p.stderr()));
    } finally {
      await p.stop();
    }
  });

  it('takes --group', async () => {
    const p = await startCli([...base(), '--port=0', '--user=nobody', '--group=root']);
    try {
      await waitForLog(p, (r) => r['msg'] === 'dropped privileges');
      assert.deepEqual(processIds(p.pid).gid, [0, 0, 0, 0]);
      assert.deepEqual(processIds(p.pid).uid, NOBODY);
    } finally {
      await p.stop();
    }
  });

  it('stops start-up with exit 1 for an unknown user or group, before binding', async () => {
    for (const [opt, name] of [['--user', 'nosuchuser-fandns'], ['--group', 'nosuchgroup-fandns']]) {
      const r = await runCli([...base(), '--port=0', `${opt}=${name}`]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`fandns: unknown user or group: ${name}`));
      assert.ok(!/"msg":"started"/.test(r.stderr), 'nothing was bound');
    }
  });

  it('ignores user= when it is not root', { skip: skipUnless('setpriv') }, async () => {
    const p = await startCli([...base(), '--port=0', '--user=nosuchuser-fandns'], 10_000, undefined,
      ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']);
    try {
      assert.deepEqual(processIds(p.pid).uid, NOBODY);
      assert.equal((await query(p.port, 'unprivileged.test')).packet.answers?.length, 1);
    } finally {
      assert.deepEqual(await p.stop(), { code: 0, signal: null });
    }
  });
});
