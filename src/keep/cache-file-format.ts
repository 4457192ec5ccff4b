/**
 * The cache file's bytes (cache-file=): pure encoding and decoding, no I/O. All integers are
 * big-endian; strings are UTF-8 with a u32 length in front.
 *
 *   header      magic "FANDNSC\n" (8) | format version u16 (FORMAT_VERSION) | reserved u16 (0)
 *               | written f64: wall-clock time of writing, ms since the epoch
 *               | table u32: offset of the signature table | global: string (shape.ts `global`)
 *   entries     until the table, each: signature u32 (an index into the table) | key u16 length
 *               + bytes (the cache key: wire name, type, class, flags) | entry u32 length + bytes
 *               (entry-format.ts, aged to the moment of writing: TTL rows and lifetime what was
 *               left then; born 0, or for an entry already expired (lifetime 0, kept for
 *               use-stale-cache) the seconds since it expired); least recently used first, so
 *               loading in order rebuilds the LRU order
 *   table       count u32 | count × string: the distinct entry signatures (shape.ts)
 *   trailer     SHA-256 of every byte before it (32)
 *
 * A file that is shorter than its fields say, has another magic or version, or whose digest does
 * not match is refused whole (FandnsError FANDNS_CACHE_FILE): no entry of it is loaded.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { FandnsError } from '../errors.js';

const MAGIC = Buffer.from('FANDNSC\n', 'latin1');
/** Version of the layout above; another one is refused. */
export const FORMAT_VERSION = 1;
const DIGEST = 32;
/** Bytes of the header before the global string. */
const FIXED_HEAD = 8 + 2 + 2 + 8 + 4;
const CHUNK = 256 * 1024;

/** What the header says. */
export interface CacheFileHead {
  /** Wall-clock ms since the epoch when the file was written. */
  readonly writtenMs: number;
  /** The global shape of the configuration it was written under. */
  readonly global: string;
}

/** Why a file was refused: a short word for logs and tests. */
export type CacheFileFault = 'truncated' | 'not a cache file' | 'other version' | 'checksum';

const refuse = (fault: CacheFileFault, detail = ''): FandnsError =>
  Object.assign(new FandnsError('FANDNS_CACHE_FILE', detail ? `${fault}: ${detail}` : fault), { fault });

/** Builds a cache file in memory, entry by entry; finish() returns its bytes. */
export class CacheFileWriter {
  readonly #chunks: Buffer[] = [];
  #cur = Buffer.allocUnsafe(CHUNK);
  #at = 0;
  #size = 0;
  readonly #signatures = new Map<string, number>();
  #entries = 0;

  constructor(head: CacheFileHead) {
    const global = Buffer.from(head.global, 'utf8');
    const h = Buffer.alloc(FIXED_HEAD + 4 + global.length);
    MAGIC.copy(h, 0);
    h.writeUInt16BE(FORMAT_VERSION, 8);
    h.writeDoubleBE(head.writtenMs, 12);
    h.writeUInt32BE(global.length, FIXED_HEAD);
    global.copy(h, FIXED_HEAD + 4);
    this.#put(h);
  }

  /** Entries added so far. */
  get entries(): number {
    return this.#entries;
  }

  /** Adds one entry: its signature, cache key (latin1) and entry bytes. */
  add(signature: string, key: string, entry: Uint8Array): void {
    let sig = this.#signatures.get(signature);
    if (sig === undefined) this.#signatures.set(signature, (sig = this.#signatures.size));
    this.#room(6 + key.length + 4);
    const cur = this.#cur;
    cur.writeUInt32BE(sig, this.#at);
    cur.writeUInt16BE(key.length, this.#at + 4);
    cur.write(key, this.#at + 6, 'latin1');
    cur.writeUInt32BE(entry.length, this.#at + 6 + key.length);
    this.#at += 10 + key.length;
    this.#size += 10 + key.length;
    this.#put(entry);
    this.#entries++;
  }

  /** The whole file: the table and the digest appended, the table's offset written in the header. */
  finish(): Buffer[] {
    const tableAt = this.#size;
    this.#u32(this.#signatures.size);
    for (const s of this.#signatures.keys()) {
      const b = Buffer.from(s, 'utf8');
      this.#u32(b.length);
      this.#put(b);
    }
    this.#chunks.push(this.#cur.subarray(0, this.#at));
    this.#chunks[0]!.writeUInt32BE(tableAt, 20);
    const hash = createHash('sha256');
    for (const c of this.#chunks) hash.update(c);
    return [...this.#chunks, hash.digest()];
  }

  #u32(v: number): void {
    this.#room(4);
    this.#cur.writeUInt32BE(v, this.#at);
    this.#at += 4;
    this.#size += 4;
  }

  /** Makes room for `n` bytes (at most CHUNK) in the current chunk, starting a new one if needed. */
  #room(n: number): void {
    if (this.#at + n <= this.#cur.length) return;
    this.#chunks.push(this.#cur.subarray(0, this.#at));
    this.#cur = Buffer.allocUnsafe(CHUNK);
    this.#at = 0;
  }

  #put(b: Uint8Array): void {
    this.#size += b.length;
    let off = 0;
    while (off < b.length) {
      if (this.#at === this.#cur.length) this.#room(1);
      const n = Math.min(b.length - off, this.#cur.length - this.#at);
      this.#cur.set(b.subarray(off, off + n), this.#at);
      this.#at += n;
      off += n;
    }
  }
}

/** A bounds-checked reader over the file's body. */
class Cursor {
  constructor(private readonly buf: Buffer, public at: number, private readonly end: number) {}
  need(n: number): void {
    if (this.at + n > this.end) throw refuse('truncated', `a field runs past byte ${this.end}`);
  }
  u16(): number {
    this.need(2);
    this.at += 2;
    return this.buf.readUInt16BE(this.at - 2);
  }
  u32(): number {
    this.need(4);
    this.at += 4;
    return this.buf.readUInt32BE(this.at - 4);
  }
  bytes(n: number): Buffer {
    this.need(n);
    this.at += n;
    return this.buf.subarray(this.at - n, this.at);
  }
  string(): string {
    return this.bytes(this.u32()).toString('utf8');
  }
}

/** A checked file: its header, signature table, and a walk over its entries. */
export interface CacheFileContents extends CacheFileHead {
  readonly signatures: readonly string[];
  /** Calls `each` for every entry in file order, with a view of its bytes (valid while the file's buffer is). */
  forEach(each: (signature: number, key: string, entry: Buffer) => void): void;
}

/**
 * Checks a whole file (magic, version, digest) and reads its header and signature table; the
 * entries are read by forEach. Throws a FandnsError FANDNS_CACHE_FILE (with `fault`) for anything
 * but a whole, intact file of this version, from here or from forEach, before any entry is passed
 * on when the digest is wrong.
 */
export function openCacheFile(buf: Buffer): CacheFileContents {
  if (buf.length >= 8 && !buf.subarray(0, 8).equals(MAGIC)) throw refuse('not a cache file');
  if (buf.length < FIXED_HEAD + DIGEST) throw refuse('truncated', `${buf.length} bytes`);
  const version = buf.readUInt16BE(8);
  if (version !== FORMAT_VERSION) throw refuse('other version', `format ${version}, this fandns reads ${FORMAT_VERSION}`);
  const end = buf.length - DIGEST;
  if (!createHash('sha256').update(buf.subarray(0, end)).digest().equals(buf.subarray(end))) throw refuse('checksum', 'the file is damaged or cut short');
  const writtenMs = buf.readDoubleBE(12);
  const tableAt = buf.readUInt32BE(20);
  const head = new Cursor(buf, FIXED_HEAD, end);
  const global = head.string();
  if (tableAt < head.at || tableAt > end) throw refuse('truncated', 'the signature table is out of place');
  const table = new Cursor(buf, tableAt, end);
  const signatures = Array.from({ length: table.u32() }, () => table.string());
  const first = head.at;
  return {
    writtenMs,
    global,
    signatures,
    forEach(each) {
      const c = new Cursor(buf, first, tableAt);
      while (c.at < tableAt) {
        const sig = c.u32();
        if (sig >= signatures.length) throw refuse('truncated', `signature ${sig} of ${signatures.length}`);
        const key = c.bytes(c.u16()).toString('latin1');
        each(sig, key, c.bytes(c.u32()));
      }
    },
  };
}
