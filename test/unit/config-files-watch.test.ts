/**
 * ConfigFilesWatch judges changes against what the runtime read: a resolv-file or a hostsdir
 * written after the runtime's read, but before the watch started, counts as a change; one left as
 * it was read does not (nor, in a hostsdir, a dotfile or an editor's leftover).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/load.js';
import { ConfigFilesWatch } from '../../src/config-files-watch.js';
import { hostsDirSignature } from '../../src/local/hosts-loader.js';
import { createLogger } from '../../src/log/logger.js';
import { readSigned } from '../../src/util/file-signature.js';
import { withTempDir } from '../helpers/temp-dir.js';

const log = createLogger('silent');

const inDir = (body: (dir: string) => Promise<void>) => withTempDir('watch', body);

/** Watches with `conf` as if the runtime had read `resolv` and `hostsDirs`; the number of changes reported after the first look. */
async function changesAfterFirstLook(conf: string, resolv: [string, string | null][], hostsDirs: [string, string | null][] = [], closeFirst = false): Promise<number> {
  let changes = 0;
  const watch = new ConfigFilesWatch(parseConfigText(conf, 'test.conf'), log, () => changes++, { resolv: new Map(resolv), hostsDirs: new Map(hostsDirs) });
  if (closeFirst) watch.close();
  try {
    await watch.firstLook;
    await new Promise((r) => setImmediate(r));
    return changes;
  } finally {
    watch.close();
  }
}

describe('ConfigFilesWatch', () => {
  it('counts a resolv-file written after the runtime read it, before the watch began, as a change', async () => {
    await inDir(async (dir) => {
      const file = join(dir, 'resolv.conf');
      writeFileSync(file, 'nameserver 127.0.0.1\n');
      const read = readSigned(file).signature;
      assert.equal(await changesAfterFirstLook(`resolv-file=${file}`, [[file, read]]), 0, 'as read');
      writeFileSync(file, 'nameserver 127.0.0.2\n');
      assert.equal(await changesAfterFirstLook(`resolv-file=${file}`, [[file, read]]), 1, 'rewritten since');
    });
  });

  it('counts a resolv-file rewritten in place to the same size within one timestamp tick', async () => {
    await inDir(async (dir) => {
      const file = join(dir, 'resolv.conf');
      writeFileSync(file, 'nameserver 127.0.0.1\n');
      const stamp = new Date(Math.floor(Date.now() / 1000) * 1000);
      utimesSync(file, stamp, stamp);
      const read = readSigned(file).signature;
      writeFileSync(file, 'nameserver 127.0.0.9\n');
      utimesSync(file, stamp, stamp); // as if both writes fell in the same tick of the kernel's coarse clock
      assert.equal(statSync(file).mtimeMs, stamp.getTime());
      assert.equal(await changesAfterFirstLook(`resolv-file=${file}`, [[file, read]]), 1);
    });
  });

  it('counts a resolv-file that appeared since the runtime could not read it, and one that went away', async () => {
    await inDir(async (dir) => {
      const file = join(dir, 'resolv.conf');
      writeFileSync(file, 'nameserver 127.0.0.2\n');
      assert.equal(await changesAfterFirstLook(`resolv-file=${file}`, [[file, null]]), 1);
      const gone = join(dir, 'gone.conf');
      assert.equal(await changesAfterFirstLook(`resolv-file=${gone}`, [[gone, '1:2:3']]), 1);
      assert.equal(await changesAfterFirstLook(`resolv-file=${gone}`, [[gone, null]]), 0);
    });
  });

  it('looks at no resolv-file with no-poll, and reports nothing once closed', async () => {
    await inDir(async (dir) => {
      const file = join(dir, 'resolv.conf');
      writeFileSync(file, 'nameserver 127.0.0.2\n');
      assert.equal(await changesAfterFirstLook(`resolv-file=${file}\nno-poll`, [[file, null]]), 0);
      assert.equal(await changesAfterFirstLook(`resolv-file=${file}`, [[file, null]], [], true), 0);
    });
  });

  it('counts a hostsdir file added after the runtime listed the folder, but not a dotfile or a backup', async () => {
    await inDir(async (dir) => {
      const hosts = join(dir, 'hosts.d');
      mkdirSync(hosts);
      writeFileSync(join(hosts, 'a'), '192.0.2.1 a.lan\n');
      const read = hostsDirSignature(hosts);
      const conf = `no-resolv\nhostsdir=${hosts}`;
      assert.equal(await changesAfterFirstLook(conf, [], [[hosts, read]]), 0, 'as listed');
      writeFileSync(join(hosts, '.hidden'), '192.0.2.9 x.lan\n');
      writeFileSync(join(hosts, 'b~'), '192.0.2.9 x.lan\n');
      assert.equal(await changesAfterFirstLook(conf, [], [[hosts, read]]), 0, 'skipped names');
      writeFileSync(join(hosts, 'b'), '192.0.2.2 b.lan\n');
      assert.equal(await changesAfterFirstLook(conf, [], [[hosts, read]]), 1, 'a file added since');
    });
  });
});
