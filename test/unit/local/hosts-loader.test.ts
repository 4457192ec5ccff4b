/** Reading hosts files (src/local/hosts-loader.ts): files, directories, unreadable ones, and ad-block-sized lists. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostsConfig } from '../../../src/config/types.js';
import type { HostsEntry } from '../../../src/config/hosts-file.js';
import { hostsDirSkips, readHosts } from '../../../src/local/hosts-loader.js';

const loadHosts = (cfg: HostsConfig, warn: (m: string) => void): HostsEntry[] => [...readHosts(cfg, warn)];

const config = (extra: string[], dirs: string[] = []): HostsConfig => ({ systemHosts: false, extra, dirs, expandHosts: false, domain: null });

function withDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'fandns-hosts-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('hosts loader', () => {
  it('reads a file, and a directory file by file in name order, skipping subdirectories', () => {
    withDir((dir) => {
      writeFileSync(join(dir, 'one'), '192.0.2.1 one.test\n');
      mkdirSync(join(dir, 'lists'));
      writeFileSync(join(dir, 'lists', 'b'), '192.0.2.3 b.test\n');
      writeFileSync(join(dir, 'lists', 'a'), '192.0.2.2 a.test\n');
      mkdirSync(join(dir, 'lists', 'nested'));
      const warnings: string[] = [];
      const entries = loadHosts(config([join(dir, 'one'), join(dir, 'lists')]), (m) => warnings.push(m));
      assert.deepEqual(entries.map((e) => [e.address, e.names[0], e.file.slice(dir.length)]), [
        ['192.0.2.1', 'one.test', '/one'], ['192.0.2.2', 'a.test', '/lists/a'], ['192.0.2.3', 'b.test', '/lists/b'],
      ]);
      assert.deepEqual(warnings, []);
    });
  });

  it('warns about a file it cannot read and keeps the others', () => {
    withDir((dir) => {
      writeFileSync(join(dir, 'ok'), '192.0.2.1 ok.test\n');
      const warnings: string[] = [];
      const entries = loadHosts(config([join(dir, 'missing'), join(dir, 'ok')]), (m) => warnings.push(m));
      assert.equal(entries.length, 1);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /^cannot read hosts .*missing: ENOENT/);
    });
  });

  it('loads an ad-block list of 300,000 lines whole (it used to overflow the stack and be skipped)', () => {
    withDir((dir) => {
      const n = 300_000;
      let text = '# blocklist\n';
      for (let i = 0; i < n; i++) text += `0.0.0.0 ads${i}.tracker.example\n`;
      writeFileSync(join(dir, 'ads.hosts'), text);
      const warnings: string[] = [];
      const entries = loadHosts(config([join(dir, 'ads.hosts')]), (m) => warnings.push(m));
      assert.deepEqual(warnings, []);
      assert.equal(entries.length, n);
      assert.deepEqual(entries[n - 1]!.names, [`ads${n - 1}.tracker.example`]);
      assert.equal(entries[n - 1]!.line, n + 1);
    });
  });

  it('reads a hostsdir in name order without dotfiles and editor leftovers; a missing one is a warning', () => {
    withDir((dir) => {
      for (const [name, line] of [
        ['b.hosts', '192.0.2.2 b.test'], ['a.hosts', '192.0.2.1 a.test'], ['.hidden', '192.0.2.9 hidden.test'],
        ['a.hosts~', '192.0.2.8 backup.test'], ['#a.hosts#', '192.0.2.7 autosave.test'], ['#x', '192.0.2.3 hash.test'],
      ]) writeFileSync(join(dir, name!), `${line}\n`);
      const warnings: string[] = [];
      const names = loadHosts(config([], [dir, join(dir, 'missing')]), (m) => warnings.push(m)).map((e) => e.names[0]);
      assert.deepEqual(names, ['hash.test', 'a.test', 'b.test']);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /cannot read hostsdir .*missing/);
    });
  });

  it('skips the names dnsmasq skips in a hostsdir', () => {
    for (const n of ['.x', 'x~', '#x#', '#', '']) assert.equal(hostsDirSkips(n), true, n);
    for (const n of ['x', '#x', 'x#', 'a.b']) assert.equal(hostsDirSkips(n), false, n);
  });
});
