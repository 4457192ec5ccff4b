/**
 * dnstap-file= read by a dnstap reader nobody here wrote: BIND's dnstap-read (bind9-dnsutils,
 * which `dnsutils` brings). fandns answers a query over each client protocol (UDP, TCP, DNS over
 * TLS, DNS over HTTPS); the file holds, for each, a CLIENT_QUERY with the query and a
 * CLIENT_RESPONSE with the reply, the protocol, the client's address and port, and times in order.
 * A second server appends to the same file (one START frame; all ten read), so do two workers,
 * and a file that is not a dnstap file stops the start with the option's file:line.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dataFrames, fieldOf, protoFields } from '../helpers/protobuf.js';
import { FakeUpstream, freePort, rr } from '../helpers/fake-upstream.js';
import { askAcrossWorkers, startCluster, stopCluster } from '../helpers/cli-process.js';
import { buildQuery, query } from '../helpers/dns-client.js';
import { dohRequest, dotConnect } from '../helpers/encrypted-client.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { TLS_FIXTURE } from '../helpers/stunnel.js';
import { TempTree } from '../helpers/config.js';
import { run, skipUnless } from '../helpers/tools.js';
import { ConfigError } from '../../src/errors.js';
import { prepareDnstapFile } from '../../src/log/dnstap-file.js';

const FILES = `tls-cert-file=${TLS_FIXTURE('server.pem')}\ntls-key-file=${TLS_FIXTURE('server.key')}\n`;
const portOf = (p: TestProxy, protocol: 'tls' | 'https'): number => p.server.encryptedEndpoints.find((e) => e.protocol === protocol)!.port;

/** One message as dnstap-read -y prints it: the fields this test reads. */
interface Tapped {
  type: string;
  protocol: string;
  address: string;
  port: string;
  name: string;
  /** The time dnstap-read prints: the query's for a query, the reply's for a reply. */
  queryTime: string;
  responseTime: string;
}

/** The messages of `file`, through dnstap-read -y (YAML: one document per message). */
async function readTap(file: string): Promise<Tapped[]> {
  const r = await run('dnstap-read', ['-y', file]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split(/^---$/m).filter((d) => d.includes('type: MESSAGE')).map((d) => {
    const field = (re: RegExp) => re.exec(d)?.[1] ?? '';
    return {
      type: field(/^ {2}type: (\S+)/m),
      protocol: field(/socket_protocol: (\S+)/),
      address: field(/query_address: "?([^"\s]+)"?/),
      port: field(/query_port: (\d+)/),
      name: field(/- '([^ ]+)\. IN A'/),
      queryTime: field(/query_time: !!timestamp (\S+)/),
      responseTime: field(/response_time: !!timestamp (\S+)/),
    };
  });
}

describe('dnstap-file= read by dnstap-read', { skip: skipUnless('dnstap-read') }, () => {
  let up: FakeUpstream;
  let tree: TempTree;
  let file: string;

  before(async () => {
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '192.0.2.9', 60)] }));
    tree = new TempTree('fandns-dnstap-');
    file = tree.path('fandns.dnstap');
  });
  after(async () => {
    await up?.close();
    tree?.remove();
  });

  it('holds a query and its reply for each client protocol', async () => {
    const p = await startProxy(`server=${up.spec}\ntls-port=0\nhttps-port=0\n${FILES}dnstap-file=${file}\n`);
    try {
      assert.equal((await query(p.port, 'udp.tap.test')).rcode, 'NOERROR');
      assert.equal((await query(p.port, 'tcp.tap.test', { tcp: true })).rcode, 'NOERROR');
      const c = await dotConnect(portOf(p, 'tls'));
      try {
        await c.exchange([buildQuery('dot.tap.test', { id: 5 })]);
      } finally {
        c.close();
      }
      const doh = await dohRequest({ port: portOf(p, 'https'), method: 'POST', contentType: 'application/dns-message', body: buildQuery('doh.tap.test', { id: 0 }) });
      assert.equal(doh.status, 200);
    } finally {
      await p.stop();
    }
    const got = await readTap(file);
    // BIND 9.18's dnstap-read names only UDP and TCP (it prints UDP for the others), so DOT (3)
    // and DOH (4), the values dnstap.proto gives them, are read from the frames here.
    assert.deepEqual(got.map((m) => `${m.type} ${m.name}`), [
      'CLIENT_QUERY udp.tap.test', 'CLIENT_RESPONSE udp.tap.test',
      'CLIENT_QUERY tcp.tap.test', 'CLIENT_RESPONSE tcp.tap.test',
      'CLIENT_QUERY dot.tap.test', 'CLIENT_RESPONSE dot.tap.test',
      'CLIENT_QUERY doh.tap.test', 'CLIENT_RESPONSE doh.tap.test',
    ]);
    assert.deepEqual(got.slice(0, 4).map((m) => m.protocol), ['UDP', 'UDP', 'TCP', 'TCP']);
    const protocols = dataFrames(readFileSync(file)).map((f) => fieldOf(protoFields(fieldOf(protoFields(f), 14) as Buffer), 3));
    assert.deepEqual(protocols, [1, 1, 2, 2, 3, 3, 4, 4]);
    // response_port (7): the listener's port each client asked.
    const ports = dataFrames(readFileSync(file)).map((f) => fieldOf(protoFields(fieldOf(protoFields(f), 14) as Buffer), 7));
    const [dot, doh] = [portOf(p, 'tls'), portOf(p, 'https')];
    assert.deepEqual(ports, [p.port, p.port, p.port, p.port, dot, dot, doh, doh]);
    assert.ok(got.every((m) => (m.type === 'CLIENT_QUERY' ? m.queryTime : m.responseTime) !== ''), 'each has its time');
    // A reply carries its query's time (fields 8, 9) and its own (12, 13), no earlier.
    const times = dataFrames(readFileSync(file)).map((f) => {
      const m = protoFields(fieldOf(protoFields(f), 14) as Buffer);
      return [8, 9, 12, 13].map((n) => fieldOf(m, n) as number | undefined);
    });
    for (let i = 1; i < times.length; i += 2) {
      const [qs, qn, rs, rn] = times[i]!;
      assert.deepEqual([qs, qn], times[i - 1]!.slice(0, 2));
      assert.ok(rs! * 1e9 + rn! >= qs! * 1e9 + qn!, JSON.stringify(times[i]));
    }
    assert.ok(got.every((m) => m.address === '127.0.0.1' && Number(m.port) > 0), JSON.stringify(got));
    const plain = await run('dnstap-read', [file]);
    assert.match(plain.stdout, new RegExp(`CR 127\\.0\\.0\\.1:\\d+ <- 127\\.0\\.0\\.1:${p.port} UDP \\d+b udp\\.tap\\.test/IN/A`), 'the listener\'s port');
  });

  it('a second server appends to the same file: one START frame, every message read', async () => {
    const p = await startProxy(`server=${up.spec}\ndnstap-file=${file}\n`);
    try {
      assert.equal((await query(p.port, 'again.tap.test')).rcode, 'NOERROR');
    } finally {
      await p.stop();
    }
    const got = await readTap(file);
    assert.equal(got.length, 10);
    assert.deepEqual(got.slice(8).map((m) => `${m.type} ${m.name}`), ['CLIENT_QUERY again.tap.test', 'CLIENT_RESPONSE again.tap.test']);
  });

  it('SIGUSR2 (reopenLogs) starts a new file at the path; the moved one keeps what came before', async () => {
    const path = tree.path('rotated.dnstap');
    const p = await startProxy(`server=${up.spec}\ndnstap-file=${path}\n`);
    try {
      assert.equal((await query(p.port, 'before.tap.test')).rcode, 'NOERROR');
      await new Promise((r) => setTimeout(r, 300)); // the batch is written
      renameSync(path, `${path}.1`);
      p.server.reopenLogs();
      assert.equal((await query(p.port, 'after.tap.test')).rcode, 'NOERROR');
    } finally {
      await p.stop();
    }
    assert.deepEqual((await readTap(`${path}.1`)).map((m) => m.name), ['before.tap.test', 'before.tap.test']);
    assert.deepEqual((await readTap(path)).map((m) => m.name), ['after.tap.test', 'after.tap.test']);
  });

  it('with workers=2, both workers append to one file with one START frame', async () => {
    const shared = tree.path('workers.dnstap');
    const port = await freePort();
    const { cli, workers } = await startCluster(['--workers=2', `--port=${port}`, '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts', '--user=root',
      `--server=${up.spec}`, `--dnstap-file=${shared}`]);
    try {
      assert.deepEqual(await askAcrossWorkers(port, 8, (i) => `w${i}.tap.test`), Array(8).fill('NOERROR'));
    } finally {
      await stopCluster(cli, workers, 'SIGTERM');
    }
    const got = await readTap(shared);
    assert.equal(got.length, 16);
    assert.deepEqual(new Set(got.map((m) => m.name)).size, 8);
    const text = readFileSync(shared).toString('latin1');
    assert.equal(text.split('protobuf:dnstap.Dnstap').length - 1, 1, 'one START frame');
  });

  it('a file that is not a dnstap file is refused, naming the line', () => {
    const other = tree.write('other.dnstap', 'not a dnstap file\n');
    assert.throws(() => prepareDnstapFile({ path: other, origin: { file: 'fandns.conf', line: 4 } }),
      (err: unknown) => err instanceof ConfigError && err.code === 'FANDNS_DNSTAP_FILE' && /^fandns\.conf:4: dnstap-file .* is not a dnstap file fandns wrote/.test(err.message));
    writeFileSync(other, '');
    prepareDnstapFile({ path: other, origin: { file: 'fandns.conf', line: 4 } });
  });
});
