/**
 * dumpfile= on the wire: every UDP datagram of a forwarded query (the client's query, the query to
 * the server, its reply, the reply to the client) and of a local answer lands in the pcap file,
 * with the real addresses and ports and the exact bytes; a TCP client's messages are not (as in
 * dnsmasq), the UDP exchange with the server its query caused is;
 * dumpmask selects kinds; a second start appends to the same file. SIGUSR2 (logrotate) reopens
 * it, in one process and with workers: the moved file keeps what came before, a new one starts
 * with one pcap header.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeUpstream, freePort, rr } from '../helpers/fake-upstream.js';
import { startCli, startCluster, stopCluster } from '../helpers/cli-process.js';
import { buildQuery, query, udpBurst } from '../helpers/dns-client.js';
import { waitFor } from '../helpers/wait.js';
import { startProxy } from '../helpers/proxy.js';

interface Rec {
  readonly from: string;
  readonly to: string;
  readonly qr: boolean;
  readonly id: number;
  readonly payload: Buffer;
}

/** The records of a raw-IP pcap file (IPv4). */
function dumped(path: string): Rec[] {
  const d = readFileSync(path);
  assert.equal(d.readUInt32LE(0), 0xa1b2c3d4);
  const out: Rec[] = [];
  for (let o = 24; o < d.length;) {
    const len = d.readUInt32LE(o + 8);
    const p = d.subarray(o + 16, o + 16 + len);
    // Whole records of IPv4 datagrams, one after another: a second file header, or a record cut
    // short, breaks this.
    assert.ok(len >= 28 && d.readUInt32LE(o + 12) === len && p.length === len && p[0] === 0x45 && p.readUInt16BE(2) === len,
      `a whole IPv4 record at offset ${o} of ${path}`);
    const payload = p.subarray(28);
    out.push({
      from: `${[...p.subarray(12, 16)].join('.')}#${p.readUInt16BE(20)}`,
      to: `${[...p.subarray(16, 20)].join('.')}#${p.readUInt16BE(22)}`,
      qr: (payload[2]! & 0x80) !== 0,
      id: payload.readUInt16BE(0),
      payload,
    });
    o += 16 + len;
  }
  return out;
}

describe('dumpfile', () => {
  let dir: string;
  let up: FakeUpstream;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-dump-'));
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.7', 60)] }));
  });
  after(async () => {
    await up.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds the four datagrams of a forwarded query and the two of a local answer, not a TCP client\'s', async () => {
    const path = join(dir, 'all.pcap');
    const p = await startProxy(`server=${up.spec}\naddress=/local.test/192.0.2.9\ndumpfile=${path}`);
    const me = `127.0.0.1#${p.port}`;
    const forwarded = await p.query('web.example.test');
    const local = await p.query('local.test');
    await p.query('tcp.example.test', { tcp: true });
    await p.stop();
    const recs = dumped(path);
    const client = recs[0]!.from;
    const server = up.spec;
    const [q1, up1, upr1, r1, q2, r2] = recs;
    // The TCP client's query went upstream over UDP: those two datagrams are there, its own are not.
    assert.equal(recs.length, 8, JSON.stringify(recs.map((r) => [r.from, r.to])));
    assert.ok(recs.slice(6).every((r) => r.from === server || r.to === server), 'only the upstream side of the TCP query');
    assert.deepEqual([q1, up1, upr1, r1].map((r) => [r!.from === client ? 'client' : r!.from === me ? 'fandns' : r!.from === server ? 'server' : 'fandns (upstream socket)',
      r!.to === client ? 'client' : r!.to === me ? 'fandns' : r!.to === server ? 'server' : 'fandns (upstream socket)', r!.qr]), [
      ['client', 'fandns', false],
      ['fandns (upstream socket)', 'server', false],
      ['server', 'fandns (upstream socket)', true],
      ['fandns', 'client', true],
    ]);
    assert.equal(up1!.from, upr1!.to, 'the upstream socket\'s address and port, both ways');
    assert.equal(up1!.id, upr1!.id);
    assert.deepEqual(r1!.payload, forwarded.raw, 'the reply as the client got it');
    assert.equal(up.queries.length, 2, 'the UDP and the TCP query reached the server');
    assert.deepEqual([q2!.from, q2!.to, r2!.from, r2!.to], [recs[4]!.from, me, me, recs[4]!.from]);
    assert.deepEqual(r2!.payload, local.raw);
  });

  it('dumps only the kinds of dumpmask, and appends on the next start', async () => {
    const path = join(dir, 'mask.pcap');
    for (const name of ['first.example.test', 'second.example.test']) {
      const p = await startProxy(`server=${up.spec}\ndumpfile=${path}\ndumpmask=0x4`);
      await p.query(name);
      await p.stop();
    }
    const recs = dumped(path);
    assert.equal(recs.length, 2, 'one upstream query per start, in one file');
    assert.ok(recs.every((r) => r.to === up.spec && !r.qr));
    assert.match(recs[1]!.payload.toString('latin1'), /second/);
  });

  /** The names of the client queries (fandns's side: to its listen port) a dump holds. */
  const asked = (recs: readonly Rec[], port: number) => recs.filter((r) => r.to === `127.0.0.1#${port}`).map((r) => qname(r.payload));

  it('reopens on SIGUSR2: the moved file keeps the packets before it, a new one gets a header and the packets after', async () => {
    const path = join(dir, 'rotate.pcap');
    const port = await freePort();
    // --user=root: as root fandns would otherwise switch to nobody, who cannot create the new file
    // in this 0700 temp dir (ignored when the tests do not run as root).
    const cli = await startCli([`--port=${port}`, '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts', `--server=${up.spec}`, `--dumpfile=${path}`, '--user=root']);
    try {
      await query(port, 'before.rotate.test');
      await waitFor(() => asked(dumped(path), port).length === 1, 'the first query in the file');
      renameSync(path, `${path}.1`);
      process.kill(cli.pid, 'SIGUSR2');
      // Probes until one lands in the new file: the reopen is done.
      for (let i = 0; !(existsSync(path) && asked(dumped(path), port).length > 0); i++) {
        assert.ok(i < 100, 'no new dumpfile 5 s after SIGUSR2');
        await query(port, `probe${i}.rotate.test`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const n = 20;
      assert.equal((await udpBurst(Array.from({ length: n }, (_, i) => buildQuery(`q${i}.after.rotate.test`, { id: i })), port, 5000)).size, n);
      assert.deepEqual(await cli.stop(), { code: 0, signal: null });
      assert.deepEqual(asked(dumped(`${path}.1`), port), ['before.rotate.test']);
      const after = dumped(path);
      assert.equal(asked(after, port).filter((q) => q.endsWith('after.rotate.test')).length, n);
      assert.equal(after.filter((r) => qname(r.payload).endsWith('after.rotate.test')).length, 4 * n, 'the four datagrams of each query');
    } finally {
      await cli.stop();
    }
  });

  it('reopens with workers=2, signalled at the main process or at all at once: one pcap header, no packet lost', async () => {
    const path = join(dir, 'rotate-workers.pcap');
    const port = await freePort();
    const { cli, workers } = await startCluster([`--port=${port}`, '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts', `--server=${up.spec}`,
      `--dumpfile=${path}`, '--user=root', '--workers=2']);
    const n = 40;
    const burst = async (tag: string) =>
      assert.equal((await udpBurst(Array.from({ length: n }, (_, i) => buildQuery(`q${i}.${tag}.rotate.test`, { id: i })), port, 5000)).size, n);
    try {
      // As the README says (the main process's PID, which passes it on), then as `pidof` would do it
      // (every process, so a worker may get it twice): either way each worker makes the file ready.
      for (const [round, pids] of [[1, [cli.pid]], [2, [cli.pid, ...workers]]] as const) {
        await burst(`r${round}`);
        renameSync(path, `${path}.${round}`);
        for (const pid of pids) process.kill(pid, 'SIGUSR2');
        await waitFor(() => existsSync(path), 'a new dumpfile');
        await new Promise((r) => setTimeout(r, 300)); // the workers reopen it on their own
      }
      await burst('r3');
      assert.deepEqual(await cli.stop('SIGTERM'), { code: 0, signal: null });
      const files = [`${path}.1`, `${path}.2`, path].map(dumped);
      for (const round of [1, 2, 3]) {
        const all = files.flat().filter((r) => qname(r.payload).endsWith(`r${round}.rotate.test`));
        assert.equal(all.length, 4 * n, `round ${round}: the four datagrams of each query, in one file or another`);
      }
      assert.ok(files.every((f) => f.length > 0), 'each file holds packets');
    } finally {
      await stopCluster(cli, workers);
    }
  });
});

/** The question name of a DNS message. */
function qname(msg: Buffer): string {
  const labels: string[] = [];
  for (let o = 12; msg[o]! > 0 && o < msg.length; o += msg[o]! + 1) labels.push(msg.subarray(o + 1, o + 1 + msg[o]!).toString('latin1'));
  return labels.join('.');
}
