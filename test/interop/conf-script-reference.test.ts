/**
 * conf-script= with dnsmasq 2.90 as the reference: the real `fandns` process and a real dnsmasq
 * run the same script (with an argument) from the same config line, and dig gets the same answers
 * from the rules it printed. `--test` with a failing script: both refuse the configuration, naming
 * the command; dnsmasq exits 10 whatever the script's code (it adds 10 to the raw wait status,
 * which the exit truncates), fandns 10 + the code, as dnsmasq documents.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DigResult } from '../helpers/dig.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { runCli } from '../helpers/cli-process.js';
import { digBoth, startReferencePair, stopReferencePairs, type ReferencePair } from '../helpers/reference-pair.js';
import { run, skipUnless } from '../helpers/tools.js';

const shape = (r: DigResult): string => `${r.status} ${r.answer.map((a) => `${a.type} ${a.data}`).join(', ')}`;

describe('conf-script=: fandns (CLI) and dnsmasq', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  let dir: string;
  let up: FakeUpstream;
  let pair: ReferencePair | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-confscript-ref-'));
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.9.9.9', 300)] }));
    const script = join(dir, 'rules.sh');
    writeFileSync(script, `#!/bin/sh\necho "address=/blocked.test/$1"\necho "server=/svc.test/${up.spec}"\n`);
    chmodSync(script, 0o755);
    pair = await startReferencePair(`conf-script=${script} 192.0.2.1`, dir, 'script');
  });
  after(async () => {
    await stopReferencePairs(pair);
    await up.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, want] of [['blocked.test', 'NOERROR A 192.0.2.1'], ['www.blocked.test', 'NOERROR A 192.0.2.1'], ['web.svc.test', 'NOERROR A 10.9.9.9']] as const) {
    it(`${name}: the same answer from the script's rules`, async () => {
      const [mine, ref] = await digBoth(pair!, [name, 'A'], shape);
      assert.equal(ref, want, 'dnsmasq');
      assert.equal(mine, ref, 'fandns');
    });
  }

  it('--test with a failing script: both refuse it, naming the command', async () => {
    const conf = join(dir, 'failing.conf');
    writeFileSync(conf, 'conf-script=exit 3\n');
    const ref = await run('dnsmasq', ['--test', '-C', conf]);
    assert.equal(ref.code, 10, ref.stderr);
    assert.match(ref.stderr, /exit 3 returns non-zero error code/);
    const mine = await runCli(['--test', '-C', conf]);
    assert.equal(mine.code, 13, mine.stderr);
    assert.match(mine.stderr, /failing.conf:1: conf-script "exit 3" exited with code 3/);
  });
});
