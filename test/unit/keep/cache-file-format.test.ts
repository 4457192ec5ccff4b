/**
 * The cache file's bytes (src/keep/cache-file-format.ts): a round trip keeps the header, the
 * signatures and every entry in order; a file cut short anywhere, with a byte changed anywhere,
 * of another magic or version, or empty is refused whole with its fault, never a crash.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { CacheFileWriter, openCacheFile, FORMAT_VERSION } from '../../../src/keep/cache-file-format.js';
import { FandnsError } from '../../../src/errors.js';

const key = (i: number) => `\u0003k${String(i).padStart(2, '0')}\u0004test\u0000\u0000\u0001\u0000\u0001\u0000`;

/** A file of `n` entries over two signatures, as one buffer. */
function sample(n: number, entrySize = 40): Buffer {
  const w = new CacheFileWriter({ writtenMs: 1_700_000_000_123, global: '{"v":1}' });
  for (let i = 0; i < n; i++) w.add(i % 2 ? 'sig-odd' : 'sig-even ü', key(i), Buffer.alloc(entrySize + i, i));
  return Buffer.concat(w.finish());
}

const entries = (buf: Buffer) => {
  const f = openCacheFile(buf);
  const out: [string, string, number][] = [];
  f.forEach((sig, k, e) => out.push([f.signatures[sig]!, k, e.length]));
  return out;
};

/** The fault a damaged file is refused with. */
function fault(buf: Buffer): string {
  try {
    entries(buf);
  } catch (err) {
    assert.ok(err instanceof FandnsError, String(err));
    assert.equal(err.code, 'FANDNS_CACHE_FILE');
    return (err as FandnsError & { fault: string }).fault;
  }
  return 'accepted';
}

/** `buf` with its digest made right again (a damaged body that passes the checksum). */
function redigest(buf: Buffer): Buffer {
  const body = buf.subarray(0, buf.length - 32);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

describe('cache file format', () => {
  it('round-trips the header, the signatures and the entries in order, across chunk boundaries', () => {
    const buf = sample(3);
    const f = openCacheFile(buf);
    assert.equal(f.writtenMs, 1_700_000_000_123);
    assert.equal(f.global, '{"v":1}');
    assert.deepEqual(entries(buf), [['sig-even ü', key(0), 40], ['sig-odd', key(1), 41], ['sig-even ü', key(2), 42]]);
    const big = sample(40, 9000);
    assert.equal(entries(big).length, 40, 'entries larger than what is left of a 256 KiB chunk');
    assert.deepEqual(entries(big)[39], ['sig-odd', key(39), 9039]);
    const none = new CacheFileWriter({ writtenMs: 0, global: '' });
    assert.deepEqual(entries(Buffer.concat(none.finish())), []);
  });

  it('refuses a file cut short at any length', () => {
    const buf = sample(3);
    for (let n = 0; n < buf.length; n++) {
      const f = fault(buf.subarray(0, n));
      assert.ok(f === 'truncated' || f === 'checksum', `${n}: ${f}`);
    }
  });

  it('refuses a file with any one byte changed', () => {
    const buf = sample(3);
    for (let i = 0; i < buf.length; i++) {
      const bad = Buffer.from(buf);
      bad[i] = bad[i]! ^ 0x20;
      assert.notEqual(fault(bad), 'accepted', `byte ${i}`);
    }
  });

  it('names other files and other versions', () => {
    assert.equal(fault(Buffer.from('nameserver 127.0.0.1\n'.repeat(5))), 'not a cache file');
    const other = Buffer.from(sample(1));
    other.writeUInt16BE(FORMAT_VERSION + 1, 8);
    assert.equal(fault(redigest(other)), 'other version');
  });

  it('refuses a body whose fields lie, even with a right digest', () => {
    const buf = sample(2);
    const tableOut = Buffer.from(buf);
    tableOut.writeUInt32BE(buf.length + 10, 20);
    assert.equal(fault(redigest(tableOut)), 'truncated');
    const sigOut = Buffer.from(buf);
    sigOut.writeUInt32BE(7, 24 + 4 + 7);
    assert.equal(fault(redigest(sigOut)), 'truncated');
    const longKey = Buffer.from(buf);
    longKey.writeUInt16BE(0xffff, 24 + 4 + 7 + 4);
    assert.equal(fault(redigest(longKey)), 'truncated');
  });
});
