/**
 * DNS over HTTPS to a real peer: dnsdist 1.7 (PowerDNS; its DoH frontend is h2o) answers RFC 8484
 * at https://127.0.0.1:PORT/dns-query with the test CA's certificate and forwards to dnsmasq 2.90.
 * kdig, a DoH client nobody here wrote, asks dnsdist directly, as the reference; the real `fandns`
 * process, with `server=https://127.0.0.1:PORT/dns-query,dns.fandns.test` and the test CA, must
 * give dig the same answers, carry a burst of queries on one connection, route a domain rule's
 * names to dnsdist, and give SERVFAIL (the upstream counted failed, with the reason logged) when
 * the certificate does not carry the name asked for or the path is not dnsdist's (HTTP 404).
 * dnsdist logs each query it gets (a LuaAction in the helper: name, type, client port, HTTP
 * authority and path): that is how the test sees which queries reached it, how, and over how many
 * connections. (Not `-v`: dnsdist 1.7.3 aborts under it when the backend answers fast, see
 * test/helpers/dnsdist.ts.)
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import { buildQuery, udpBurst } from '../helpers/dns-client.js';
import { dig, kdig, withoutTtl, type DigResult } from '../helpers/dig.js';
import { dnsdistQueries, startDnsdist, type DnsdistQuery, type RunningDnsdist } from '../helpers/dnsdist.js';
import { startDnsmasq, type RunningDnsmasq } from '../helpers/dnsmasq.js';
import { TLS_FIXTURE } from '../helpers/stunnel.js';
import { run, skipUnless } from '../helpers/tools.js';
import { waitFor } from '../helpers/wait.js';

const CA = TLS_FIXTURE('ca.pem');
const NAME = 'dns.fandns.test';
const T = { timeout: 30_000 };
const QTYPE = { A: 1, AAAA: 28, TXT: 16 } as const;

/** Behind dnsdist: doh.test is local (an unknown name there is NXDOMAIN), and so is corp.test. */
const BEHIND_DNSDIST = [
  'local=/doh.test/',
  'address=/svc.doh.test/192.0.2.81',
  'host-record=multi.doh.test,192.0.2.82',
  'host-record=multi.doh.test,192.0.2.83',
  'host-record=multi.doh.test,192.0.2.84',
  'host-record=v4only.doh.test,192.0.2.85',
  'txt-record=txt.doh.test,"over https","second string"',
  'address=/corp.test/192.0.2.91',
].join('\n');

describe('server=https:// with dnsmasq behind dnsdist', { skip: skipUnless('dig', 'kdig', 'dnsmasq', 'dnsdist') }, () => {
  let dnsmasq: RunningDnsmasq;
  let front: RunningDnsdist;
  let fandns: CliProcess;

  const base = ['--no-resolv', '--no-hosts', '--port=0', '--listen-address=127.0.0.1', `--tls-ca-file=${CA}`];
  const url = (path = '/dns-query') => `https://127.0.0.1:${front.port}${path}`;
  const kdigArgs = (path = '/dns-query') => [`+https=${path}`, `+tls-ca=${CA}`, `+tls-hostname=${NAME}`];

  before(async () => {
    dnsmasq = await startDnsmasq(BEHIND_DNSDIST);
    front = await startDnsdist(dnsmasq.port);
    fandns = await startCli([...base, `--server=${url()},${NAME}`, '--dns-forward-max=1000']);
  });

  after(async () => {
    await fandns?.stop();
    await front?.stop();
    await dnsmasq?.stop();
  });

  const records = (r: DigResult) => ({
    answer: r.answer.map(withoutTtl).sort(),
    authority: r.authority.map(withoutTtl).sort(),
  });

  /** The queries dnsdist received since its log was `from` characters long. */
  const reached = (from: number): DnsdistQuery[] => dnsdistQueries(front.log().slice(from));
  const asked = (q: DnsdistQuery) => `${q.name}|${q.qtype}`;

  it('kdig over HTTPS to dnsdist and dig through fandns get the same status and records', T, async () => {
    const cases = [
      ['svc.doh.test', 'A', 'NOERROR', 1],
      ['multi.doh.test', 'A', 'NOERROR', 3],
      ['txt.doh.test', 'TXT', 'NOERROR', 1],
      ['missing.doh.test', 'A', 'NXDOMAIN', 0],
      ['v4only.doh.test', 'AAAA', 'NOERROR', 0],
    ] as const;
    for (const [name, type, status, count] of cases) {
      const what = `${name} ${type}`;
      const reference = await kdig(front.port, [...kdigArgs(), '-t', type, name]);
      assert.equal(reference.status, status, `${what}: dnsdist said\n${reference.text}`);
      assert.equal(reference.answer.length, count, `${what}: dnsdist said\n${reference.text}`);
      const mark = front.log().length;
      const got = await dig(fandns.port, ['+tries=1', '+time=5', '-t', type, name]);
      assert.equal(got.status, reference.status, `${what}: fandns said\n${got.text}\n${fandns.stderr()}`);
      assert.deepEqual(records(got), records(reference), what);
      // It came to dnsdist over DoH, at the configured path, for the certificate's name and port.
      await waitFor(() => reached(mark).some((q) => asked(q) === `${name}.|${QTYPE[type]}`), `dnsdist to log ${what}`);
      const q = reached(mark).find((x) => asked(x) === `${name}.|${QTYPE[type]}`)!;
      assert.deepEqual({ protocol: q.protocol, host: q.host, path: q.path }, { protocol: 'DNS over HTTPS', host: `${NAME}:${front.port}`, path: '/dns-query' }, what);
    }
  });

  it('300 distinct names at once: all NOERROR through dnsdist, on one or two connections', T, async () => {
    const mark = front.log().length;
    const names = Array.from({ length: 300 }, (_, i) => `burst${i}.svc.doh.test`);
    const got = await udpBurst(names.map((n, i) => buildQuery(n, { id: i + 1 })), fandns.port, 15_000);
    const rcodes = [...got.values()].map((m) => m[3]! & 0x0f);
    assert.deepEqual({ answered: got.size, bad: rcodes.filter((c) => c !== 0).length }, { answered: 300, bad: 0 });
    assert.doesNotMatch(fandns.stderr(), /upstream is down/);
    // Each of them reached dnsdist over HTTPS; count the connections (client ports) they came on.
    const wanted = new Set(names.map((n) => `${n}.|${QTYPE.A}`));
    const mine = () => reached(mark).filter((q) => wanted.has(asked(q)));
    await waitFor(() => new Set(mine().map(asked)).size === 300, 'dnsdist to log the 300 queries');
    const ports = new Set(mine().map((q) => q.clientPort));
    assert.ok(ports.size <= 2, `300 queries came on ${ports.size} connections (client ports ${[...ports].join(', ')})`);
  });

  it('a domain rule routes its names to the https:// server, the rest to the default server', T, async () => {
    // The default server is another dnsmasq that knows plain.test but not corp.test.
    const plain = await startDnsmasq('address=/plain.test/192.0.2.99');
    const routed = await startCli([...base, `--server=/corp.test/${url()},${NAME}`, `--server=${plain.spec}`]);
    try {
      const mark = front.log().length;
      const corp = await dig(routed.port, ['+tries=1', '+time=5', 'www.corp.test']);
      assert.equal(corp.status, 'NOERROR', `${corp.text}\n${routed.stderr()}`);
      assert.deepEqual(corp.answer.map((a) => a.data), ['192.0.2.91']);
      const other = await dig(routed.port, ['+tries=1', '+time=5', 'www.plain.test']);
      assert.equal(other.status, 'NOERROR', other.text);
      assert.deepEqual(other.answer.map((a) => a.data), ['192.0.2.99']);
      await waitFor(() => reached(mark).some((q) => q.name === 'www.corp.test.'), 'dnsdist to log www.corp.test');
      assert.deepEqual(reached(mark).map((q) => q.name), ['www.corp.test.'], 'only the corp.test name went to dnsdist');
    } finally {
      await routed.stop();
      await plain.stop();
    }
  });

  it('a name the certificate does not carry: nothing reaches dnsdist, SERVFAIL and a reason in the log', T, async () => {
    const wrong = await startCli([...base, `--server=${url()},wrong.fandns.test`]);
    try {
      const mark = front.log().length;
      for (let i = 0; i < 3; i++) {
        const r = await dig(wrong.port, ['+tries=1', '+time=5', `x${i}.svc.doh.test`]);
        assert.equal(r.status, 'SERVFAIL', r.text);
      }
      assert.match(wrong.stderr(), /upstream is down.*altnames/);
      assert.deepEqual(reached(mark).filter((q) => /^x\d\.svc\.doh\.test\.$/.test(q.name)), []);
    } finally {
      await wrong.stop();
    }
  });

  it('a path dnsdist does not serve (HTTP 404, as kdig sees): SERVFAIL, the upstream counted failed', T, async () => {
    const reference = await run('kdig', ['@127.0.0.1', '-p', String(front.port), '+time=2', '+retry=0', ...kdigArgs('/nope'), 'k.svc.doh.test']);
    assert.match(reference.stdout + reference.stderr, /status: 404/, 'dnsdist answers 404 at /nope');
    const nope = await startCli([...base, `--server=${url('/nope')},${NAME}`]);
    try {
      const mark = front.log().length;
      for (let i = 0; i < 3; i++) {
        const r = await dig(nope.port, ['+tries=1', '+time=5', `p${i}.svc.doh.test`]);
        assert.equal(r.status, 'SERVFAIL', r.text);
      }
      assert.match(nope.stderr(), /upstream is down.*404/);
      assert.deepEqual(reached(mark).filter((q) => /^p\d\.svc\.doh\.test\.$/.test(q.name)), []);
    } finally {
      await nope.stop();
    }
  });
});
