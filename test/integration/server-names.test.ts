/**
 * Clear-text servers named by host name through the real command (dnsmasq 2.88+ reads them; fandns
 * used to refuse them): the name is looked up when the configuration loads, through
 * bootstrap-server= (a scripted server here) or the system's resolver (`localhost`, from
 * /etc/hosts), each address a server. A name with no address stops the start with file:line and
 * exit code 1; SIGHUP looks the name up again, and one that fails then keeps the running
 * configuration.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeUpstream, rr, type Script } from '../helpers/fake-upstream.js';
import { query } from '../helpers/dns-client.js';
import { runCli, startCli, waitForLog, type CliProcess } from '../helpers/cli-process.js';
import { TempTree } from '../helpers/config.js';
import { memoryLog } from '../helpers/memory-log.js';
import { startProxy } from '../helpers/proxy.js';

const NAME = 'consul.fandns.test';

/** A bootstrap script: `address` for NAME's A question, nothing else. */
const at = (address: string): Script => (q) => (q.name.toLowerCase() === NAME && q.type === 'A' ? { answers: [rr.a(q.name, address, 60)] } : { rcode: 'NXDOMAIN' });

describe('server= named by host name (CLI process)', () => {
  let consul: FakeUpstream;
  let boot: FakeUpstream;
  let tree: TempTree;
  const started: CliProcess[] = [];
  // --user=root: the SIGHUP test's file is in a directory only root reads.
  const base = ['--no-resolv', '--no-hosts', '--port=0', '--listen-address=127.0.0.1', '--upstream-timeout=300', '--user=root'];

  before(async () => {
    consul = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.42', 0)] }));
    boot = await FakeUpstream.start(at('127.0.0.1'));
    tree = new TempTree('fandns-server-names-');
  });
  after(async () => {
    for (const p of started) await p.stop();
    await consul?.close();
    await boot?.close();
    tree?.remove();
  });

  const start = async (args: string[]) => {
    const p = await startCli([...base, ...args]);
    started.push(p);
    return p;
  };

  it('looks the name up through bootstrap-server= at start, and forwards to the address', async () => {
    const p = await start([`--bootstrap-server=${boot.spec}`, `--server=/service.consul/${NAME}#${consul.port}`]);
    const r = await query(p.port, 'web.service.consul');
    assert.equal(r.rcode, 'NOERROR');
    assert.equal(consul.queries.at(-1)?.name, 'web.service.consul');
    assert.ok(boot.queries.some((q) => q.name.toLowerCase() === NAME), 'the bootstrap server was asked');
  });

  it('looks a name up through the system resolver without bootstrap-server= (localhost, from /etc/hosts)', async () => {
    const p = await start([`--server=/local.consul/localhost#${consul.port}`]);
    const r = await query(p.port, 'db.local.consul', { timeoutMs: 5000 });
    assert.equal(r.rcode, 'NOERROR');
    assert.equal(consul.queries.at(-1)?.name, 'db.local.consul');
  });

  it('refuses to start when a name has no address, naming file:line, exit code 1', async () => {
    const conf = tree.write('named.conf', `no-resolv\nbootstrap-server=${boot.spec}\nserver=/consul/nowhere.fandns.test#8600\n`);
    const r = await runCli(['--port=0', '--listen-address=127.0.0.1', `--conf-file=${conf}`]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${conf.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3: cannot look up server name "nowhere\\.fandns\\.test" \\(bootstrap-server: bootstrap: NXDOMAIN for nowhere\\.fandns\\.test\\)`));
  });

  it('leaves out a servers-file line whose name has no address, with a warning, and starts', async () => {
    const servers = tree.write('servers', `server=/gone.test/nowhere.fandns.test#8600\nserver=/consul/${NAME}#${consul.port}\n`);
    const p = await start([`--bootstrap-server=${boot.spec}`, `--servers-file=${servers}`]);
    assert.equal((await query(p.port, 'web.consul', { timeoutMs: 5000 })).rcode, 'NOERROR');
    assert.equal((await query(p.port, 'x.gone.test', { timeoutMs: 5000 })).rcode, 'REFUSED', 'no server for it');
    assert.match(p.stderr(), /servers:1: cannot look up server name \\"nowhere\.fandns\.test\\" \(bootstrap-server: bootstrap: NXDOMAIN for nowhere\.fandns\.test\); line ignored/);
  });

  it('looks the name up again on SIGHUP; a failed lookup then keeps the running configuration', async () => {
    const conf = join(tree.root, 'hup.conf');
    writeFileSync(conf, `bootstrap-server=${boot.spec}\nserver=/consul/${NAME}#${consul.port}\n`);
    boot.setScript(at('127.0.0.2')); // nothing listens there: the first configuration's server is dead
    const p = await start([`--conf-file=${conf}`]);
    assert.equal((await query(p.port, 'a.consul', { timeoutMs: 5000 })).rcode, 'SERVFAIL');
    boot.setScript(at('127.0.0.1'));
    process.kill(p.pid, 'SIGHUP');
    await waitForLog(p, (r) => r['msg'] === 'configuration reloaded', 1);
    assert.equal((await query(p.port, 'b.consul', { timeoutMs: 5000 })).rcode, 'NOERROR');
    boot.setScript(() => ({ rcode: 'SERVFAIL' }));
    process.kill(p.pid, 'SIGHUP');
    const [refused] = await waitForLog(p, (r) => r['msg'] === 'reload rejected; keeping the running configuration', 1);
    assert.match(String(refused!['err']), /hup\.conf:2: cannot look up server name "consul\.fandns\.test"/);
    assert.equal((await query(p.port, 'c.consul', { timeoutMs: 5000 })).rcode, 'NOERROR', 'the running configuration stays');
  });
});

describe('a FandnsServer given a configuration whose names were not looked up', () => {
  it('leaves such a server out with a warning naming its line, as if the line were not there', async () => {
    const up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.1', 60)] }));
    const log = memoryLog('warn');
    const p = await startProxy(`server=${up.spec}\nserver=/consul/consul.internal#8600`, log.log);
    try {
      assert.equal((await p.query('web.consul')).rcode, 'NOERROR', 'the default server, as if the line were not there');
      assert.deepEqual(up.queries.map((q) => q.name), ['web.consul']);
      assert.ok(log.lines().some((l) => /:6: ignoring server consul\.internal#8600 - its host name was not looked up$/.test(l.msg)), JSON.stringify(log.lines()));
    } finally {
      await p.stop();
      await up.close();
    }
  });
});
