/**
 * log-debug through the CLI, as an operator turns it on: debug lines for each listening address,
 * the upstream servers of the configuration, and a forwarded question its servers gave no answer
 * to (which servers, why); none of them without the option; SIGHUP with the option added turns
 * them on. The level comes from FANDNS_LOG_LEVEL when that is set, so the test needs it unset.
 */
import { after, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { logRecords, startCli, waitForLog, type CliProcess } from '../helpers/cli-process.js';
import { query } from '../helpers/dns-client.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { TempTree } from '../helpers/config.js';

const DEBUG = 20;
const withMsg = (msg: string) => (r: Record<string, unknown>) => r['msg'] === msg;
const UNANSWERED = 'no answer from the upstream servers; the client gets SERVFAIL or the error';
const skip = process.env['FANDNS_LOG_LEVEL'] !== undefined && 'FANDNS_LOG_LEVEL is set';

describe('log-debug', { skip }, () => {
  const started: CliProcess[] = [];
  const ups: FakeUpstream[] = [];
  const tree = new TempTree('fandns-log-debug-');
  after(async () => {
    for (const c of started) await c.stop('SIGKILL');
    for (const u of ups) await u.close();
    tree.remove();
  });
  const silent = async () => {
    const up = await FakeUpstream.start((q) => (q.name.startsWith('mute') ? { drop: true } : { answers: [rr.a(q.name, '10.0.0.1', 60)] }));
    ups.push(up);
    return up;
  };

  it('logs the listening addresses, the servers and each question left unanswered', async () => {
    const up = await silent();
    const cli = await startCli(['--port=0', '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts', `--server=${up.spec}`,
      '--upstream-timeout=200', '--query-timeout=400', '--log-debug']);
    started.push(cli);
    const listening = logRecords(cli).filter(withMsg('listening (UDP and TCP)'));
    assert.deepEqual(listening.map((r) => [r['level'], r['address'], r['port']]), [[DEBUG, '127.0.0.1', cli.port]]);
    const [servers] = logRecords(cli).filter(withMsg('upstream servers of this configuration'));
    assert.deepEqual(servers?.['servers'], [up.spec]);
    assert.equal((await query(cli.port, 'fine.test')).rcode, 'NOERROR');
    assert.equal((await query(cli.port, 'mute.test', { timeoutMs: 3000 })).rcode, 'SERVFAIL');
    const [line] = await waitForLog(cli, withMsg(UNANSWERED));
    assert.equal(line!['level'], DEBUG);
    assert.equal(line!['name'], 'mute.test');
    assert.equal(line!['type'], 'A');
    assert.match(String(line!['why']), /every server failed|query-timeout/);
    assert.deepEqual((line!['servers'] as { server: string }[]).map((s) => s.server), [up.spec]);
    assert.equal(logRecords(cli).filter(withMsg(UNANSWERED)).length, 1, 'the answered question made no line');
  });

  it('logs no debug line without it, and starts to after a SIGHUP that adds it', async () => {
    const up = await silent();
    // user=root: started as root, fandns would otherwise read the config again as nobody, who cannot open a mkdtemp folder.
    const base = `user=root\nport=0\nlisten-address=127.0.0.1\nno-resolv\nno-hosts\nserver=${up.spec}\nupstream-timeout=200\nquery-timeout=400\n`;
    const conf = tree.write('fandns.conf', base);
    const cli = await startCli(['-C', conf]);
    started.push(cli);
    assert.equal((await query(cli.port, 'mute1.test', { timeoutMs: 3000 })).rcode, 'SERVFAIL');
    tree.write('fandns.conf', `${base}log-debug\n`);
    process.kill(cli.pid, 'SIGHUP');
    await waitForLog(cli, withMsg('configuration reloaded'));
    assert.equal((await query(cli.port, 'mute2.test', { timeoutMs: 3000 })).rcode, 'SERVFAIL');
    const [line] = await waitForLog(cli, withMsg(UNANSWERED));
    assert.equal(line!['name'], 'mute2.test');
    const debugBefore = logRecords(cli).filter((r) => r['level'] === DEBUG && r['name'] === 'mute1.test');
    assert.deepEqual(debugBefore, []);
    assert.ok(logRecords(cli).some(withMsg('upstream servers of this configuration')), 'the reload logs its servers');
  });
});
