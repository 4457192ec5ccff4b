/**
 * hostsdir= on the wire: the files in the folder answer at start-up; a file written, added,
 * renamed in or out, or removed changes the answers without a SIGHUP (dotfiles and editor
 * leftovers never count); answers cached from upstream stay cached; a folder that does not exist
 * is a warning, not a failure. Each step waits (bounded) until the proxy shows the change.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerData } from '../helpers/dns-client.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { sleep } from '../helpers/wait.js';
import { memoryLog } from '../helpers/memory-log.js';

describe('hostsdir', () => {
  let dir: string;
  let up: FakeUpstream;
  let proxy: TestProxy;
  const log = memoryLog('info');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-hostsdir-'));
    writeFileSync(join(dir, 'a.hosts'), '192.0.2.1 one.test\n');
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '198.18.0.1', 300)] }));
    proxy = await startProxy(`server=${up.spec}\nhostsdir=${dir}\nhostsdir=${join(dir, 'missing')}`, log.log);
  });
  after(async () => {
    await proxy?.stop();
    await up?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The A addresses the proxy gives for `name` now. */
  const addresses = async (name: string) => answerData((await proxy.query(name)).packet);
  /** Waits until `name` resolves to `want` (local data is re-read a moment after the writes settle). */
  const until = async (name: string, want: string[]) => {
    let last: string[] = [];
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      last = await addresses(name);
      if (JSON.stringify(last) === JSON.stringify(want)) return;
      await sleep(50);
    }
    assert.deepEqual(last, want, `${name} within 5 s`);
  };

  it('answers from the files at start-up, and warns about a missing folder', async () => {
    assert.deepEqual(await addresses('one.test'), ['192.0.2.1']);
    const warned = log.lines().filter((l) => l.level === 40 && JSON.stringify(l).includes(join(dir, 'missing')));
    assert.ok(warned.length > 0, 'a warning names the missing folder');
  });

  it('follows files added, rewritten, renamed and removed, without a SIGHUP', async () => {
    assert.deepEqual(await addresses('two.test'), ['198.18.0.1'], 'from upstream first, and cached');
    writeFileSync(join(dir, 'b.hosts'), '192.0.2.2 two.test\n');
    await until('two.test', ['192.0.2.2']);
    writeFileSync(join(dir, 'a.hosts'), '192.0.2.11 one.test\n');
    await until('one.test', ['192.0.2.11']);
    renameSync(join(dir, 'b.hosts'), join(dir, '.b.hosts'));
    await until('two.test', ['198.18.0.1']);
    assert.equal(up.queries.filter((q) => q.name === 'two.test').length, 1, 'the cached upstream answer was kept');
    renameSync(join(dir, '.b.hosts'), join(dir, 'b.hosts'));
    await until('two.test', ['192.0.2.2']);
    unlinkSync(join(dir, 'b.hosts'));
    await until('two.test', ['198.18.0.1']);
    assert.ok(log.lines().some((l) => l.msg === 'hostsdir changed: re-reading local data'));
  });

  it('never reads dotfiles or editor leftovers', async () => {
    writeFileSync(join(dir, '.hidden'), '192.0.2.3 hidden.test\n');
    writeFileSync(join(dir, 'c.hosts~'), '192.0.2.4 backup.test\n');
    writeFileSync(join(dir, '#c.hosts#'), '192.0.2.5 autosave.test\n');
    writeFileSync(join(dir, 'marker.hosts'), '192.0.2.6 marker.test\n');
    await until('marker.test', ['192.0.2.6']);
    for (const name of ['hidden.test', 'backup.test', 'autosave.test']) assert.deepEqual(await addresses(name), ['198.18.0.1'], name);
  });
});
