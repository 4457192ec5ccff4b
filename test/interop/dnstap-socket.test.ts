/**
 * dnstap-socket= against a Frame Streams collector nobody here wrote: fstrm_capture (Debian's
 * fstrm-bin, the reference implementation's own reader), which takes the stream over a Unix or
 * TCP socket after the bidirectional handshake and writes it to a file that BIND's dnstap-read
 * reads. Also: a collector that comes only after fandns started gets the messages that waited;
 * with workers=2 each worker streams on its own connection.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { FakeUpstream, freePort, rr } from '../helpers/fake-upstream.js';
import { askAcrossWorkers, startCluster, stopCluster } from '../helpers/cli-process.js';
import { query } from '../helpers/dns-client.js';
import { memoryLog } from '../helpers/memory-log.js';
import { startProxy } from '../helpers/proxy.js';
import { TempTree } from '../helpers/config.js';
import { run, skipUnless } from '../helpers/tools.js';
import { waitFor } from '../helpers/wait.js';

/** A running fstrm_capture: stop() ends it (SIGINT: it closes its file with a STOP frame) and waits for its exit. */
interface Capture {
  readonly stop: () => Promise<void>;
}

/** Starts fstrm_capture reading dnstap on `where` (`-u PATH`, or `-a ADDR -p PORT`) into `out`, once it listens. */
async function capture(where: string[], out: string, listening: () => boolean): Promise<Capture> {
  const child: ChildProcess = spawn('fstrm_capture', ['-t', 'protobuf:dnstap.Dnstap', ...where, '-w', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => void (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(() => listening() || child.exitCode !== null, 'fstrm_capture listening');
  assert.equal(child.exitCode, null, stderr);
  return {
    stop: async () => {
      child.kill('SIGINT');
      await exited;
      assert.match(stderr, /closed output file/, stderr);
    },
  };
}

/** The lines dnstap-read prints for `file`, each cut to its kind and name (`CQ a.tap.test`). */
async function tapped(file: string): Promise<string[]> {
  const r = await run('dnstap-read', [file]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => {
    const m = /^\S+ \S+ (\w\w) .* (\S+)\/IN\/A$/.exec(l);
    return m === null ? l : `${m[1]} ${m[2]}`;
  });
}

/** True once something listens on 127.0.0.1:`port` over TCP. */
const tcpListening = async (port: number): Promise<boolean> => {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
};

describe('dnstap-socket= read by fstrm_capture and dnstap-read', { skip: skipUnless('fstrm_capture') || skipUnless('dnstap-read') }, () => {
  let up: FakeUpstream;
  let tree: TempTree;

  before(async () => {
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '192.0.2.9', 60)] }));
    tree = new TempTree('fandns-dnstap-sock-');
  });
  after(async () => {
    await up?.close();
    tree?.remove();
  });

  it('streams client and forwarder messages over a Unix socket; stop ends the stream with STOP and FINISH', async () => {
    const sock = tree.path('collector.sock');
    const out = tree.path('unix.fstrm');
    const cap = await capture(['-u', sock], out, () => existsSync(sock));
    const log = memoryLog('info');
    try {
      const p = await startProxy(`server=${up.spec}\ndnstap-socket=${sock}\ndnstap-messages=client,forwarder\n`, log.log);
      try {
        await waitFor(() => log.lines().some((l) => l.msg === 'dnstap: the collector took the stream'), 'connected');
        assert.equal((await query(p.port, 'a.sock.test')).rcode, 'NOERROR');
        assert.equal((await query(p.port, 'b.sock.test', { tcp: true })).rcode, 'NOERROR');
      } finally {
        await p.stop();
      }
    } finally {
      await cap.stop();
    }
    assert.deepEqual(await tapped(out), ['FQ a.sock.test', 'FR a.sock.test', 'CQ a.sock.test', 'CR a.sock.test', 'FQ b.sock.test', 'FR b.sock.test', 'CQ b.sock.test', 'CR b.sock.test']);
    assert.deepEqual(log.lines().filter((l) => l.level >= 40), [], 'no warning');
  });

  it('streams over TCP (ADDR#PORT)', async () => {
    const port = await freePort();
    const out = tree.path('tcp.fstrm');
    let listening = false;
    const cap = await capture(['-a', '127.0.0.1', '-p', String(port)], out, () => {
      void tcpListening(port).then((ok) => void (listening ||= ok));
      return listening;
    });
    try {
      const p = await startProxy(`server=${up.spec}\ndnstap-socket=127.0.0.1#${port}\n`);
      try {
        assert.equal((await query(p.port, 'tcp.sock.test')).rcode, 'NOERROR');
      } finally {
        await p.stop();
      }
    } finally {
      await cap.stop();
    }
    assert.deepEqual(await tapped(out), ['CQ tcp.sock.test', 'CR tcp.sock.test']);
  });

  it('answers while the collector is away (told once), and sends what waited once it comes (SIGUSR2 tries at once)', async () => {
    const sock = tree.path('late.sock');
    const out = tree.path('late.fstrm');
    const log = memoryLog('info');
    const p = await startProxy(`server=${up.spec}\ndnstap-socket=${sock}\n`, log.log);
    let cap: Capture | null = null;
    try {
      await waitFor(() => log.lines().some((l) => /collector is away/.test(l.msg)), 'the absence logged');
      assert.equal(p.server.metricsSnapshot().dnstapCollectorUp, false, 'fandns_dnstap_collector_up 0');
      assert.equal((await query(p.port, 'early.sock.test')).rcode, 'NOERROR', 'answered with no collector');
      cap = await capture(['-u', sock], out, () => existsSync(sock));
      p.server.reopenLogs();
      await waitFor(() => log.lines().some((l) => l.msg === 'dnstap: the collector took the stream'), 'connected', 8000);
      assert.equal(p.server.metricsSnapshot().dnstapCollectorUp, true, 'fandns_dnstap_collector_up 1');
      assert.equal((await query(p.port, 'later.sock.test')).rcode, 'NOERROR');
    } finally {
      await p.stop();
      await cap?.stop();
    }
    assert.deepEqual(await tapped(out), ['CQ early.sock.test', 'CR early.sock.test', 'CQ later.sock.test', 'CR later.sock.test']);
    const away = log.lines().filter((l) => /collector is away/.test(l.msg));
    assert.equal(away.length, 1, 'told once for the run of failures');
    assert.equal(away[0]!['socket'], sock);
  });

  it('with workers=2, each worker streams on its own connection', async () => {
    const sock = tree.path('workers.sock');
    const out = tree.path('workers.fstrm');
    const cap = await capture(['-u', sock], out, () => existsSync(sock));
    const port = await freePort();
    try {
      const { cli, workers } = await startCluster(['--workers=2', `--port=${port}`, '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts', '--user=root',
        `--server=${up.spec}`, `--dnstap-socket=${sock}`]);
      try {
        assert.deepEqual(await askAcrossWorkers(port, 8, (i) => `w${i}.sock.test`), Array(8).fill('NOERROR'));
      } finally {
        await stopCluster(cli, workers, 'SIGTERM');
      }
    } finally {
      await cap.stop();
    }
    const got = await tapped(out);
    assert.equal(got.length, 16, got.join('\n'));
    assert.equal(new Set(got.map((l) => l.split(' ')[1])).size, 8);
  });
});
