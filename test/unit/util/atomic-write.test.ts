/** writeFileAtomic: the whole file under the name or none, mode 0600, no temporary file left. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../src/util/atomic-write.js';
import { withTempDir } from '../../helpers/temp-dir.js';

describe('writeFileAtomic', () => {
  it('replaces the file with every chunk, 0600, and leaves nothing else', () =>
    withTempDir('atomic', (dir) => {
      const file = join(dir, 'f');
      writeFileSync(file, 'old');
      const big = Buffer.alloc(300_000, 0x61);
      assert.equal(writeFileAtomic(file, [Buffer.from('x'), big, Buffer.alloc(0)]), 300_001);
      assert.deepEqual(readFileSync(file), Buffer.concat([Buffer.from('x'), big]));
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.deepEqual(readdirSync(dir), ['f']);
    }));

  it('throws when it cannot write, and leaves the old file as it was', () =>
    withTempDir('atomic', (dir) => {
      const file = join(dir, 'f');
      writeFileSync(file, 'old');
      assert.throws(() => writeFileAtomic(join(dir, 'f', 'under-a-file'), [Buffer.from('new')]), /ENOTDIR/);
      assert.equal(readFileSync(file, 'utf8'), 'old');
      assert.deepEqual(readdirSync(dir), ['f']);
    }));
});
