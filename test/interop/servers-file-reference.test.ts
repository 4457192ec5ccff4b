/**
 * servers-file= with dig as the client and dnsmasq 2.90 as the reference: the real `fandns`
 * process and a real dnsmasq read the same config and the same servers-file (its good lines, an
 * option that does not belong there and a line that does not parse), route the same names the
 * same way, and both follow the file when it is rewritten and they get SIGHUP.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliProcess } from '../helpers/cli-process.js';
import { dig } from '../helpers/dig.js';
import type { RunningDnsmasq } from '../helpers/dnsmasq.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startReferencePair } from '../helpers/reference-pair.js';
import { skipUnless } from '../helpers/tools.js';
import { sleep } from '../helpers/wait.js';

/** An upstream that answers every A question with `address`. */
const answering = (address: string): Promise<FakeUpstream> =>
  FakeUpstream.start((q) => ({ answers: q.type === 'A' ? [rr.a(q.name, address, 60)] : [] }));

/** The status and the A addresses a server gives for `name`. */
async function ask(port: number, name: string): Promise<string> {
  const r = await dig(port, ['-t', 'A', name, '+tries=1', '+time=3']);
  return [r.status, ...r.answer.filter((a) => a.type === 'A').map((a) => a.data)].join(' ');
}

/** Polls (every 100 ms, at most 5 s) until `port` answers `name` with `want`. */
async function until(port: number, name: string, want: string): Promise<void> {
  let got = '';
  for (let i = 0; i < 50; i++) {
    got = await ask(port, name);
    if (got === want) return;
    await sleep(100);
  }
  assert.fail(`port ${port}: ${name} still answers "${got}", not "${want}"`);
}

describe('servers-file: fandns (CLI) and dnsmasq', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  const ups: FakeUpstream[] = [];
  let dir: string;
  let sf: string;
  let fandns: CliProcess;
  let dnsmasq: RunningDnsmasq;

  before(async () => {
    for (const a of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) ups.push(await answering(a));
    dir = mkdtempSync(join(tmpdir(), 'fandns-servers-file-'));
    // Both drop root privileges before they read the servers-file (dnsmasq at start-up too), as
    // user nobody: the folder must be readable by it, as /etc is.
    chmodSync(dir, 0o755);
    sf = join(dir, 'servers');
    writeFileSync(sf, [
      '# written by a template',
      `server=/svc.test/${ups[1]!.spec}`,
      'local=/x.svc.test/',
      // Not a host name either: a name here would be looked up through the system's resolver, by dnsmasq and fandns.
      'server=/bad.test/10.0.0.1#notaport',
      `rev-server=10.0.0.0/8,${ups[1]!.spec}`,
      '',
    ].join('\n'));
    ({ fandns, dnsmasq } = await startReferencePair(`server=${ups[0]!.spec}\nservers-file=${sf}`, dir, 'fandns'));
  });
  after(async () => {
    await fandns?.stop();
    await dnsmasq?.stop();
    for (const u of ups) await u.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('routes what the file names to its servers, and everything else to the config\'s', async () => {
    for (const [name, want] of [
      ['a.svc.test', 'NOERROR 192.0.2.2'],
      // local= is not read from a servers-file: the name goes to the rule above it.
      ['b.x.svc.test', 'NOERROR 192.0.2.2'],
      ['other.test', 'NOERROR 192.0.2.1'],
      ['c.bad.test', 'NOERROR 192.0.2.1'],
    ]) {
      assert.equal(await ask(dnsmasq.port, name!), want, `dnsmasq ${name}`);
      assert.equal(await ask(fandns.port, name!), want, `fandns ${name}`);
    }
  });

  it('skips the lines dnsmasq skips, and says so with file:line', () => {
    assert.match(dnsmasq.log(), new RegExp(`illegal option at line 3 of ${sf}`));
    const err = fandns.stderr();
    assert.match(err, new RegExp(`${sf}:3: a servers-file holds only server= and rev-server= lines; \\\\"local\\\\" ignored`));
    assert.match(err, new RegExp(`${sf}:4: .*line ignored`));
  });

  it('follows the rewritten file after SIGHUP, as dnsmasq does', async () => {
    writeFileSync(sf, `server=/svc.test/${ups[2]!.spec}\nserver=/new.test/${ups[2]!.spec}\n`);
    process.kill(dnsmasq.pid, 'SIGHUP');
    process.kill(fandns.pid, 'SIGHUP');
    await until(dnsmasq.port, 'd.svc.test', 'NOERROR 192.0.2.3');
    await until(fandns.port, 'd.svc.test', 'NOERROR 192.0.2.3');
    for (const [name, want] of [['e.new.test', 'NOERROR 192.0.2.3'], ['x.svc.test', 'NOERROR 192.0.2.3'], ['other2.test', 'NOERROR 192.0.2.1']]) {
      assert.equal(await ask(dnsmasq.port, name!), want, `dnsmasq ${name}`);
      assert.equal(await ask(fandns.port, name!), want, `fandns ${name}`);
    }
  });
});
