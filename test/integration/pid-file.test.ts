/**
 * pid-file= through the real command, started as root as a packaged service is: the file holds
 * the PID (the cluster primary's with workers), belongs to the user fandns switches to, replaces
 * whatever was at the path without following a symlink there, and is removed on SIGTERM. A path
 * that cannot be written stops a root start with exit code 3 (FILE) and a message naming it.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli, startCli } from '../helpers/cli-process.js';
import { waitFor } from '../helpers/wait.js';
import { freePort } from '../helpers/fake-upstream.js';

const COMMON = ['--no-resolv', '--no-hosts', '--listen-address=127.0.0.1', '--conf-file=/dev/null'];
const BASE = [...COMMON, '--port=0'];
const asRoot = userInfo().uid === 0;
/** nobody's uid, which fandns switches to by default when started as root. */
const nobodyUid = Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim());

/**
 * True once `file` is a regular file (not a symlink) with its line written out. fandns removes
 * what is at the path, creates the file, then writes it: a look in between finds nothing, or an
 * empty file.
 */
function written(file: string): boolean {
  try {
    return lstatSync(file).isFile() && readFileSync(file, 'utf8').endsWith('\n');
  } catch {
    return false;
  }
}

describe('pid-file= (CLI process, started as root)', { skip: asRoot ? false : 'needs root' }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-pid-'));
    chmodSync(dir, 0o777); // as /run/dnsmasq is the service user's: it may remove its file on exit
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the PID, belongs to the unprivileged user, and is removed on SIGTERM', async () => {
    const file = join(dir, 'one.pid');
    const cli = await startCli([...BASE, `--pid-file=${file}`]);
    try {
      await waitFor(() => written(file), 'the pid file');
      assert.equal(readFileSync(file, 'utf8'), `${cli.pid}\n`);
      assert.equal(statSync(file).uid, nobodyUid);
      assert.equal(statSync(file).mode & 0o777, 0o644);
    } finally {
      assert.equal((await cli.stop()).code, 0);
    }
    assert.equal(existsSync(file), false);
  });

  it('replaces a symlink at the path instead of writing through it', async () => {
    const target = join(dir, 'precious');
    writeFileSync(target, 'keep me\n');
    const file = join(dir, 'link.pid');
    symlinkSync(target, file);
    const cli = await startCli([...BASE, `--pid-file=${file}`]);
    try {
      await waitFor(() => written(file), 'a pid file in place of the link');
      assert.equal(readFileSync(file, 'utf8'), `${cli.pid}\n`);
      assert.equal(readFileSync(target, 'utf8'), 'keep me\n');
    } finally {
      await cli.stop();
    }
  });

  it('names the cluster primary with workers=2', async () => {
    const file = join(dir, 'cluster.pid');
    // A port chosen here, as the other workers tests do: with port 0 each worker's UDP and TCP pair
    // is picked on its own, and under load one worker's TCP port can be taken meanwhile.
    const cli = await startCli([...COMMON, `--port=${await freePort()}`, '--workers=2', `--pid-file=${file}`]);
    try {
      await waitFor(() => written(file), 'the pid file of the primary', 8000);
      assert.equal(readFileSync(file, 'utf8'), `${cli.pid}\n`);
    } finally {
      const exit = await cli.stop();
      assert.equal(exit.code, 0, cli.stderr());
    }
    assert.equal(existsSync(file), false);
  });

  it('stops a root start that cannot write it: exit 3, the path in the message', async () => {
    const r = await runCli([...BASE, `--pid-file=${join(dir, 'no-such-dir', 'x.pid')}`]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /cannot write pid-file .*no-such-dir\/x\.pid/);
  });
});
