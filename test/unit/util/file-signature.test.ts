/** readSigned: one read gives the bytes and the signature a watcher (fileSignatureAsync) takes of them; a missing file gives neither. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileSignatureAsync, readSigned } from '../../../src/util/file-signature.js';
import { withTempDir } from '../../helpers/temp-dir.js';

describe('readSigned', () => {
  it('returns the bytes and the same signature as a watcher takes, small (digested) or large', () =>
    withTempDir('signed', async (dir) => {
      for (const [name, text] of [['small', 'nameserver 127.0.0.1\n'], ['large', '#'.repeat(70 * 1024)]] as const) {
        const file = join(dir, name);
        writeFileSync(file, text);
        const r = readSigned(file);
        assert.equal(r.bytes?.toString('latin1'), text);
        assert.equal(r.error, null);
        assert.equal(r.signature, await fileSignatureAsync(file), name);
      }
    }));

  it('a missing file: no bytes, no signature, the error', () =>
    withTempDir('signed', async (dir) => {
      const r = readSigned(join(dir, 'missing'));
      assert.deepEqual([r.bytes, r.signature, (r.error as NodeJS.ErrnoException | null)?.code], [null, null, 'ENOENT']);
    }));

  it('a directory: a signature (what a watcher compares) but no bytes', () =>
    withTempDir('signed', async (dir) => {
      const r = readSigned(dir);
      assert.equal(r.bytes, null);
      assert.equal(r.signature, await fileSignatureAsync(dir));
    }));
});
