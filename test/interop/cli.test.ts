/**
 * The real `fandns` command as a process: `--test` on good and bad files (exit codes and
 * `file:line`), `--help`, starting on `--port 0` or a given port with dnsmasq's short options,
 * answering over UDP and TCP, SIGHUP reload, a busy port, and a clean exit 0 on SIGTERM/SIGINT.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerData, query } from '../helpers/dns-client.js';
import { runCli, startCli } from '../helpers/cli-process.js';
import { FakeUpstream, freePort, rr } from '../helpers/fake-upstream.js';

/** An upstream answering every A query with `ip`. */
function tagged(ip: string): Promise<FakeUpstream> {
  return FakeUpstream.start((q) => ({ answers: q.type === 'A' ? [rr.a(q.name, ip, 60)] : [] }));
}

describe('fandns command line', () => {
  let dir: string;
  let up1: FakeUpstream, up2: FakeUpstream;
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-cli-'));
    up1 = await tagged('10.9.0.1');
    up2 = await tagged('10.9.0.2');
  });
  after(async () => {
    await Promise.all([up1?.close(), up2?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('--test on a good file exits 0 and says "syntax check OK"', async () => {
    const good = file('good.conf', `no-resolv\nserver=/service.consul/${up1.spec}\nserver=${up2.spec}\naddress=/addr.test/192.0.2.1\n`);
    const r = await runCli(['--test', '-C', good]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /syntax check OK/);
  });

  it('--test on a bad file exits 1 and names file:line', async () => {
    const bad = file('bad.conf', 'no-resolv\n# a comment\nserver=/x.test/1.2.3.4#99999\n');
    const r = await runCli(['--test', '-C', bad]);
    assert.equal(r.code, 1, r.stderr);
    assert.ok((r.stdout + r.stderr).includes(`${bad}:3`), r.stderr);
  });

  it('--test on an unknown option exits 1 and names file:line', async () => {
    const bad = file('unknown.conf', 'no-resolv\nno-such-option-at-all\n');
    const r = await runCli(['--test', '-C', bad]);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stderr.includes(`${bad}:2`), r.stderr);
  });

  it('a missing config file exits 3, as dnsmasq does', async () => {
    const r = await runCli(['--test', '-C', join(dir, 'does-not-exist.conf')]);
    assert.equal(r.code, 3, r.stderr);
  });

  it('--help lists --server, -S, --all-servers and --strict-order', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0, r.stderr);
    for (const opt of ['--server', '-S', '--all-servers', '--strict-order']) {
      assert.ok(new RegExp(`(^|[\\s,])${opt}\\b`, 'm').test(r.stdout), `${opt} in --help:\n${r.stdout}`);
    }
  });

  it('starts on --port 0, answers over UDP and TCP, and exits 0 on SIGTERM', async () => {
    const conf = file('run.conf', `no-resolv\nlisten-address=127.0.0.1\nserver=${up1.spec}\n`);
    const p = await startCli(['-C', conf, '--port', '0']);
    try {
      assert.ok(p.port > 0, 'the log names the real port');
      assert.deepEqual(answerData((await query(p.port, 'www.example.test')).packet), ['10.9.0.1']);
      assert.deepEqual(answerData((await query(p.port, 'www.example.test', { tcp: true })).packet), ['10.9.0.1']);
    } finally {
      const exit = await p.stop('SIGTERM');
      assert.deepEqual(exit, { code: 0, signal: null }, p.stderr());
    }
  });

  it('takes every option on the command line with dnsmasq short letters, and exits 0 on SIGINT', async () => {
    const port = await freePort();
    const p = await startCli(['-R', '-a', '127.0.0.1', '-p', String(port), '-S', `/consul/${up2.spec}`, `--server=${up1.spec}`, '--strict-order']);
    try {
      assert.equal(p.port, port);
      assert.deepEqual(answerData((await query(port, 'web.service.consul')).packet), ['10.9.0.2']);
      assert.deepEqual(answerData((await query(port, 'other.test')).packet), ['10.9.0.1']);
    } finally {
      assert.deepEqual(await p.stop('SIGINT'), { code: 0, signal: null }, p.stderr());
    }
  });

  it('SIGHUP re-reads the config file; an invalid one is rejected and the old one keeps working', async () => {
    const conf = file('reload.conf', `no-resolv\nserver=${up1.spec}\n`);
    // Run as root, fandns would switch to nobody, who cannot re-read a file in this 0700 temp
    // dir; --user=root keeps root (and is ignored when the tests do not run as root).
    const p = await startCli(['-C', conf, '--port', '0', '--user=root']);
    const ask = async () => answerData((await query(p.port, 'reload.test')).packet);
    try {
      assert.deepEqual(await ask(), ['10.9.0.1']);
      writeFileSync(conf, `no-resolv\nserver=${up2.spec}\n`);
      process.kill(p.pid, 'SIGHUP');
      await waitFor(async () => (await ask())[0] === '10.9.0.2', 'reload to up2');
      writeFileSync(conf, 'no-resolv\nserver=not an address\n');
      process.kill(p.pid, 'SIGHUP');
      await waitFor(async () => /reload rejected/.test(p.stderr()), 'rejected reload logged');
      assert.deepEqual(await ask(), ['10.9.0.2']);
    } finally {
      assert.deepEqual(await p.stop(), { code: 0, signal: null }, p.stderr());
    }
  });

  it('a port already in use fails start-up with exit 2', async () => {
    const busy = await FakeUpstream.start(() => ({ drop: true }));
    try {
      const r = await runCli(['-R', '-a', '127.0.0.1', '-p', String(busy.port), `--server=${up1.spec}`]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /failed to create listening socket/);
    } finally {
      await busy.close();
    }
  });
});

/** Polls `check` every 50 ms, at most 60 times. */
async function waitFor(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}
