/**
 * dnsmasq as the reference for hostsdir=: the real fandns process and a real dnsmasq 2.90 watch
 * the same folder (inotify in both), and must give the same answers, TTLs aside, as files are
 * added, rewritten and deleted, and never read dotfiles or editor leftovers. Names the folder does
 * not hold go to a fake upstream. Each step waits (bounded) until both show it. Where the two
 * differ (a file renamed out of the folder: README "Differences from dnsmasq") is tested in
 * test/integration/hostsdir.test.ts only.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerData, query } from '../helpers/dns-client.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startReferencePair, stopReferencePairs, type ReferencePair } from '../helpers/reference-pair.js';
import { skipUnless } from '../helpers/tools.js';
import { sleep } from '../helpers/wait.js';

const UPSTREAM = '198.18.0.1';

describe('hostsdir: fandns (CLI) and dnsmasq follow the same folder', { skip: skipUnless('dnsmasq') }, () => {
  let up: FakeUpstream;
  let dir: string;
  let hosts: string;
  let pair: ReferencePair | undefined;

  /** Writes a hosts file readable by the unprivileged user both servers run as. */
  const write = (name: string, text: string) => {
    writeFileSync(join(hosts, name), text);
    chmodSync(join(hosts, name), 0o644);
  };

  before(async () => {
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, UPSTREAM, 0)] }));
    dir = mkdtempSync(join(tmpdir(), 'fandns-hostsdir-ref-'));
    hosts = join(dir, 'hosts.d');
    chmodSync(dir, 0o755); // both servers read the folder after dropping to nobody
    mkdirSync(hosts);
    chmodSync(hosts, 0o755);
    write('a.hosts', '192.0.2.1 one.test\n');
    pair = await startReferencePair(`server=${up.spec}\nhostsdir=${hosts}\nlocal-ttl=60`, dir, 'hostsdir');
  });
  after(async () => {
    await stopReferencePairs(pair);
    await up?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The A addresses each server gives for `name`: [fandns, dnsmasq]. */
  const both = async (name: string): Promise<[string[], string[]]> => [
    answerData((await query(pair!.fandns.port, name)).packet),
    answerData((await query(pair!.dnsmasq.port, name)).packet),
  ];
  /** Waits (at most 5 s) until both servers give `want` for `name`. */
  const until = async (name: string, want: string[]) => {
    let last: [string[], string[]] = [[], []];
    for (const end = Date.now() + 5000; Date.now() < end; await sleep(50)) {
      last = await both(name);
      if (last.every((a) => JSON.stringify(a) === JSON.stringify(want))) return;
    }
    assert.deepEqual(last, [want, want], `${name}: [fandns, dnsmasq] within 5 s`);
  };

  it('answers from the folder at start', () => until('one.test', ['192.0.2.1']));

  it('reads a file added to the folder', async () => {
    await until('two.test', [UPSTREAM]);
    write('b.hosts', '192.0.2.2 two.test\n');
    await until('two.test', ['192.0.2.2']);
  });

  it('reads a rewritten file again', async () => {
    write('a.hosts', '192.0.2.11 one.test\n');
    await until('one.test', ['192.0.2.11']);
  });

  it('forgets the names of a deleted file', async () => {
    unlinkSync(join(hosts, 'b.hosts'));
    await until('two.test', [UPSTREAM]);
  });

  it('never reads dotfiles or editor leftovers', async () => {
    write('.hidden', '192.0.2.3 hidden.test\n');
    write('c.hosts~', '192.0.2.4 backup.test\n');
    write('#c.hosts#', '192.0.2.5 autosave.test\n');
    write('marker.hosts', '192.0.2.6 marker.test\n');
    await until('marker.test', ['192.0.2.6']);
    for (const name of ['hidden.test', 'backup.test', 'autosave.test']) assert.deepEqual(await both(name), [[UPSTREAM], [UPSTREAM]], name);
  });
});
