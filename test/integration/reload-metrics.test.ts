/**
 * Reload outcomes on /metrics, as an operator's alert would read them: SIGHUP with a valid change
 * counts as ok and logs the lines it added and removed; SIGHUP with a typo counts as failed and sets fandns_config_last_reload_successful
 * to 0 while the old configuration keeps answering; the fixed file brings it back to 1 and moves
 * the load time. Once for a single process and once for workers=2, where the primary passes the
 * signal to both workers and reports what they did once, not twice.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logRecords, startCli, waitForLog, type CliProcess } from '../helpers/cli-process.js';
import { answerData, query } from '../helpers/dns-client.js';
import { FakeUpstream, freePort } from '../helpers/fake-upstream.js';
import { promSample } from '../helpers/prom-text.js';
import { answer } from '../helpers/scripts.js';
import { waitFor } from '../helpers/wait.js';

/** Keeps root when run as root, so the process can read the temp config again on SIGHUP (see signals.test.ts). */
const RELOAD_AS = ['--user=root'];

/** The reload series of one scrape. */
async function reloads(metrics: string) {
  const text = await (await fetch(`http://${metrics}/metrics`)).text();
  return {
    ok: promSample(text, 'fandns_config_reloads_total{result="ok"}'),
    failed: promSample(text, 'fandns_config_reloads_total{result="failed"}'),
    successful: promSample(text, 'fandns_config_last_reload_successful'),
    loadedAt: promSample(text, 'fandns_config_last_reload_success_timestamp_seconds'),
  };
}

for (const workers of [1, 2]) {
  describe(`reload outcomes on /metrics (CLI process, workers=${workers})`, () => {
    let dir: string;
    let up: FakeUpstream;
    let conf: string;
    let cli: CliProcess;
    let metrics: string;

    /** Writes the config file: the loopback-only preamble, then `lines`. */
    const write = (lines: string[]) => writeFileSync(conf, ['no-resolv', 'no-hosts', 'listen-address=127.0.0.1', ...lines, ''].join('\n'));
    const ask = async (name: string) => answerData((await query(cli.port, name, { timeoutMs: 5000 })).packet);
    /** Sends SIGHUP and waits until every worker logged `message` once more. */
    const hangUp = async (message: RegExp) => {
      const count = () => cli.stderr().split('\n').filter((l) => message.test(l)).length;
      const before = count();
      process.kill(cli.pid, 'SIGHUP');
      await waitFor(() => count() >= before + workers, `${workers} × ${message}`);
    };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'fandns-reload-metrics-'));
      up = await FakeUpstream.start(answer('10.0.0.7'));
      conf = join(dir, 'fandns.conf');
      metrics = `127.0.0.1:${await freePort()}`;
      write([`server=${up.spec}`, `metrics-address=${metrics}`]);
      const port = await freePort();
      cli = await startCli(['-C', conf, `--port=${port}`, `--workers=${workers}`, ...RELOAD_AS], 15_000);
      if (workers > 1) await waitForLog(cli, (r) => r['msg'] === 'cluster started', 1, 15_000);
    });
    after(async () => {
      await cli?.stop();
      await up?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('starts with no reloads, successful, loaded at start-up', async () => {
      const r = await reloads(metrics);
      assert.deepEqual({ ok: r.ok, failed: r.failed, successful: r.successful }, { ok: 0, failed: 0, successful: 1 });
      assert.ok(Math.abs(r.loadedAt! - Date.now() / 1000) < 120, `loaded at start-up: ${r.loadedAt}`);
    });

    it('counts an applied reload, a refused one (the old configuration answering), and the fix', async () => {
      const started = (await reloads(metrics)).loadedAt!;
      write([`server=${up.spec}`, `metrics-address=${metrics}`, 'address=/pinned.reload.test/10.9.9.9']);
      await hangUp(/configuration reloaded/);
      let r = await reloads(metrics);
      assert.deepEqual({ ok: r.ok, failed: r.failed, successful: r.successful }, { ok: 1, failed: 0, successful: 1 });
      assert.ok(r.loadedAt! >= started, 'the load time moves with an applied reload');
      const applied = r.loadedAt!;
      const logged = logRecords(cli).filter((l) => l['msg'] === 'configuration reloaded');
      assert.equal(logged.length, workers);
      for (const l of logged) {
        assert.deepEqual([l['added'], l['removed']], [['address=/pinned.reload.test/10.9.9.9'], []], 'the log says which lines the reload added and removed');
      }

      writeFileSync(conf, ['no-resolv', 'sevrer=127.0.0.1#53', ''].join('\n'));
      await hangUp(/reload rejected/);
      r = await reloads(metrics);
      assert.deepEqual({ ok: r.ok, failed: r.failed, successful: r.successful, loadedAt: r.loadedAt }, { ok: 1, failed: 1, successful: 0, loadedAt: applied },
        'refused: counted once however many workers refused it, the load time unchanged');
      assert.deepEqual(await ask('www.pinned.reload.test'), ['10.9.9.9'], 'the configuration in force still answers');
      process.kill(cli.pid, 'SIGUSR1');
      for (const stats of await waitForLog(cli, (l) => l['msg'] === 'statistics', workers)) {
        const counted = stats['reloads'] as { failed: number; lastSuccessful: boolean; lastError: string };
        assert.deepEqual([counted.failed, counted.lastSuccessful], [1, false]);
        assert.ok(counted.lastError.includes(`${conf}:2`), `SIGUSR1 says why, with file:line: ${counted.lastError}`);
      }

      write([`server=${up.spec}`, `metrics-address=${metrics}`]);
      await hangUp(/configuration reloaded/);
      r = await reloads(metrics);
      assert.deepEqual({ ok: r.ok, failed: r.failed, successful: r.successful }, { ok: 2, failed: 1, successful: 1 });
      assert.deepEqual(await ask('www.pinned.reload.test'), ['10.0.0.7'], 'the fixed file applies');
    });
  });
}
