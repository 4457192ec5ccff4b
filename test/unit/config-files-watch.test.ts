/**
 * ConfigFilesWatch's first look: a resolv-file whose text differs from what the runtime read (a
 * write between the read and the poll's baseline) counts as a change; an unchanged one does not.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/load.js';
import { ConfigFilesWatch } from '../../src/config-files-watch.js';
import { createLogger } from '../../src/log/logger.js';

const log = createLogger('silent');

/** Runs `body` with a resolv-file holding `text`, and removes it after. */
async function withFile(text: string, body: (file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fandns-watch-'));
  const file = join(dir, 'resolv.conf');
  writeFileSync(file, text);
  try {
    await body(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Watches `file` under `extra` config lines as if the runtime had read `seen`; returns the number of changes after the first look. */
async function changesAfterFirstLook(file: string, seen: string | null, extra = '', closeFirst = false): Promise<number> {
  let changes = 0;
  const config = parseConfigText(`resolv-file=${file}\n${extra}`, 'test.conf');
  const watch = new ConfigFilesWatch(config, log, () => changes++, new Map([[file, seen]]));
  if (closeFirst) watch.close();
  try {
    await watch.firstLook;
    return changes;
  } finally {
    watch.close();
  }
}

describe('ConfigFilesWatch', () => {
  it('counts a resolv-file written after the runtime read it, before the poll began, as a change', async () => {
    await withFile('nameserver 127.0.0.2\n', async (file) => {
      assert.equal(await changesAfterFirstLook(file, 'nameserver 127.0.0.1\n'), 1);
    });
  });

  it('does not count a resolv-file the runtime read as it is', async () => {
    await withFile('nameserver 127.0.0.2\n', async (file) => {
      assert.equal(await changesAfterFirstLook(file, 'nameserver 127.0.0.2\n'), 0);
    });
  });

  it('counts a file that appeared since the runtime could not read it, and one that went away', async () => {
    await withFile('nameserver 127.0.0.2\n', async (file) => {
      assert.equal(await changesAfterFirstLook(file, null), 1);
      assert.equal(await changesAfterFirstLook(`${file}.absent`, 'nameserver 127.0.0.2\n'), 1);
      assert.equal(await changesAfterFirstLook(`${file}.absent`, null), 0);
    });
  });

  it('looks at nothing with no-poll, and reports nothing once closed', async () => {
    await withFile('nameserver 127.0.0.2\n', async (file) => {
      assert.equal(await changesAfterFirstLook(file, 'nameserver 127.0.0.1\n', 'no-poll'), 0);
      assert.equal(await changesAfterFirstLook(file, 'nameserver 127.0.0.1\n', '', true), 0);
    });
  });
});
