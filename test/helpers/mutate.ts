/**
 * Mutations of DNS messages for fuzzing: generic ones (bit flips, byte overwrites, truncation,
 * extension) and DNS-aware ones (section counts set huge, compression pointers forward, looping
 * or out of range, labels over 63 bytes, names over 255 bytes, OPT records with garbage options,
 * a non-root owner or EDNS version ≠ 0, two OPTs, QR=1, opcodes ≠ 0, QDCOUNT 0 and 2, wrong
 * RDLENGTHs). Every mutation returns a new Buffer and leaves its input alone.
 */
import type { Prng } from './prng.js';

/** Where things sit in a message, found by a lenient walk that stops at the first unreadable byte. */
export interface Landmarks {
  /** Offsets of the length bytes of every plain label seen (question and owner names). */
  readonly labels: number[];
  /** Offset just past the first question, or -1. */
  readonly qEnd: number;
  /** Start and TYPE offset of each record after the question section. */
  readonly records: { start: number; typeOff: number }[];
  /** Start of an OPT record, or -1. */
  readonly opt: number;
}

const u16 = (m: Uint8Array, off: number) => (m[off]! << 8) | m[off + 1]!;
const put16 = (m: Uint8Array, off: number, v: number) => {
  m[off] = (v >>> 8) & 0xff;
  m[off + 1] = v & 0xff;
};

/** Walks one name; records label offsets; returns the offset past it or -1. */
function walkName(m: Uint8Array, off: number, labels: number[]): number {
  for (let i = 0; i < 128 && off < m.length; i++) {
    const b = m[off]!;
    if (b === 0) return off + 1;
    if ((b & 0xc0) === 0xc0) return off + 2 <= m.length ? off + 2 : -1;
    if (b > 63) return -1;
    labels.push(off);
    off += 1 + b;
  }
  return -1;
}

/** A lenient walk over the question and records of `m`. */
export function landmarks(m: Uint8Array): Landmarks {
  const labels: number[] = [];
  const records: { start: number; typeOff: number }[] = [];
  let opt = -1;
  let qEnd = -1;
  if (m.length < 12) return { labels, qEnd, records, opt };
  let off = 12;
  const qd = Math.min(u16(m, 4), 4);
  for (let i = 0; i < qd && off >= 0; i++) {
    off = walkName(m, off, labels);
    if (off < 0 || off + 4 > m.length) return { labels, qEnd, records, opt };
    off += 4;
    if (i === 0) qEnd = off;
  }
  const total = Math.min(u16(m, 6) + u16(m, 8) + u16(m, 10), 64);
  for (let i = 0; i < total; i++) {
    const start = off;
    const typeOff = walkName(m, off, labels);
    if (typeOff < 0 || typeOff + 10 > m.length) break;
    records.push({ start, typeOff });
    if (u16(m, typeOff) === 41 && opt < 0) opt = start;
    off = typeOff + 10 + u16(m, typeOff + 8);
    if (off > m.length) break;
  }
  return { labels, qEnd, records, opt };
}

/** An OPT record: owner (root unless given), UDP size, version, flags, and raw RDATA. */
export function optBytes(rdata: Uint8Array, opts: { version?: number; udp?: number; owner?: Uint8Array } = {}): Buffer {
  const owner = opts.owner ?? Uint8Array.of(0);
  const out = Buffer.alloc(owner.length + 10 + rdata.length);
  out.set(owner, 0);
  const o = owner.length;
  put16(out, o, 41);
  put16(out, o + 2, opts.udp ?? 1232);
  out[o + 4] = 0;
  out[o + 5] = opts.version ?? 0;
  put16(out, o + 8, rdata.length);
  out.set(rdata, o + 10);
  return out;
}

/** Appends `rr` to the additional section. */
function appendAdditional(m: Buffer, rr: Uint8Array): Buffer {
  const out = Buffer.concat([m, rr]);
  if (out.length >= 12) put16(out, 10, u16(out, 10) + 1);
  return out;
}

/** Random EDNS options: well-formed ones, or bytes whose option lengths do not add up. */
function garbageOptions(r: Prng): Buffer {
  if (r.chance(0.5)) return r.bytes(r.range(1, 40));
  const parts: Buffer[] = [];
  for (let i = r.range(1, 4); i > 0; i--) {
    const data = r.bytes(r.range(0, 16));
    const head = Buffer.alloc(4);
    put16(head, 0, r.pick([3, 8, 10, 12, 15, r.int(65536)]));
    put16(head, 2, r.chance(0.7) ? data.length : r.int(65536));
    parts.push(head, data);
  }
  return Buffer.concat(parts);
}

/** One mutation: its name (for failure messages) and what it does. */
export interface Mutation {
  readonly name: string;
  apply(m: Buffer, r: Prng): Buffer;
}

const copy = (m: Buffer) => Buffer.from(m);

/** A label offset to damage (or a random offset past the header when there is none). */
function someLabel(m: Buffer, r: Prng): number {
  const l = landmarks(m).labels;
  return l.length ? r.pick(l) : Math.min(12, Math.max(0, m.length - 2));
}

/** Writes a compression pointer to `target` at `off` (growing the message if needed). */
function pointerAt(m: Buffer, off: number, target: number): Buffer {
  const out = off + 2 > m.length ? Buffer.concat([m, Buffer.alloc(off + 2 - m.length)]) : copy(m);
  out[off] = 0xc0 | ((target >>> 8) & 0x3f);
  out[off + 1] = target & 0xff;
  return out;
}

/** Every mutation, generic and DNS-aware. */
export const MUTATIONS: readonly Mutation[] = [
  {
    name: 'bit flips',
    apply: (m, r) => {
      const out = copy(m);
      for (let i = r.range(1, 4); i > 0 && out.length; i--) out[r.int(out.length)]! ^= 1 << r.int(8);
      return out;
    },
  },
  {
    name: 'byte overwrite',
    apply: (m, r) => {
      const out = copy(m);
      for (let i = r.range(1, 4); i > 0 && out.length; i--) out[r.int(out.length)] = r.pick([0, 0xff, 0x3f, 0x40, 0xc0, r.int(256)]);
      return out;
    },
  },
  { name: 'truncation', apply: (m, r) => Buffer.from(m.subarray(0, r.int(m.length))) },
  { name: 'extension', apply: (m, r) => Buffer.concat([m, r.bytes(r.range(1, 64))]) },
  {
    name: 'huge count',
    apply: (m, r) => {
      const out = copy(m);
      if (out.length >= 12) put16(out, r.pick([4, 6, 8, 10]), r.pick([0xffff, 0x8000, 0x100, r.int(65536), u16(out, 10) + 1]));
      return out;
    },
  },
  {
    name: 'forward pointer',
    apply: (m, r) => {
      const at = someLabel(m, r);
      return pointerAt(m, at, r.range(at + 2, Math.max(at + 2, m.length - 1)));
    },
  },
  {
    name: 'pointer loop',
    apply: (m, r) => {
      const at = someLabel(m, r);
      return pointerAt(m, at, at);
    },
  },
  { name: 'pointer out of range', apply: (m, r) => pointerAt(m, someLabel(m, r), r.range(m.length, 0x3fff)) },
  { name: 'pointer into the header', apply: (m, r) => pointerAt(m, someLabel(m, r), r.int(12)) },
  {
    name: 'label over 63',
    apply: (m, r) => {
      const out = copy(m);
      const at = someLabel(out, r);
      if (at < out.length) out[at] = r.range(64, 191);
      return out;
    },
  },
  {
    name: 'name over 255',
    apply: (m, r) => {
      const lm = landmarks(m);
      if (lm.qEnd < 0) return copy(m);
      const labels: Buffer[] = [];
      let len = 1;
      while (len <= 255 + r.int(40)) {
        const n = r.range(1, 63);
        labels.push(Buffer.from([n]), Buffer.alloc(n, 0x61 + r.int(26)));
        len += n + 1;
      }
      return Buffer.concat([m.subarray(0, 12), ...labels, Buffer.of(0), m.subarray(lm.qEnd - 4)]);
    },
  },
  {
    name: 'OPT with garbage options',
    apply: (m, r) => appendAdditional(m, optBytes(garbageOptions(r))),
  },
  {
    name: 'EDNS version != 0',
    apply: (m, r) => {
      const lm = landmarks(m);
      const version = r.range(1, 255);
      if (lm.opt < 0) return appendAdditional(m, optBytes(Buffer.alloc(0), { version }));
      const out = copy(m);
      if (lm.opt + 6 < out.length) out[lm.opt + 6] = version;
      return out;
    },
  },
  { name: 'two OPT records', apply: (m) => appendAdditional(appendAdditional(m, optBytes(Buffer.alloc(0))), optBytes(Buffer.alloc(0))) },
  { name: 'OPT with a non-root owner', apply: (m) => appendAdditional(m, optBytes(Buffer.alloc(0), { owner: Buffer.from([1, 0x78, 0]) })) },
  { name: 'small EDNS UDP size', apply: (m, r) => appendAdditional(m, optBytes(Buffer.alloc(0), { udp: r.int(600) })) },
  {
    name: 'QR=1',
    apply: (m) => {
      const out = copy(m);
      if (out.length > 2) out[2]! |= 0x80;
      return out;
    },
  },
  {
    name: 'opcode != 0',
    apply: (m, r) => {
      const out = copy(m);
      if (out.length > 2) out[2] = (out[2]! & 0x87) | (r.range(1, 15) << 3);
      return out;
    },
  },
  {
    name: 'QDCOUNT 0',
    apply: (m) => {
      const out = copy(m);
      if (out.length >= 12) put16(out, 4, 0);
      return out;
    },
  },
  {
    name: 'QDCOUNT 2',
    apply: (m) => {
      const lm = landmarks(m);
      if (lm.qEnd < 0) return copy(m);
      const out = Buffer.concat([m.subarray(0, lm.qEnd), m.subarray(12, lm.qEnd), m.subarray(lm.qEnd)]);
      put16(out, 4, 2);
      return out;
    },
  },
  {
    name: 'wrong RDLENGTH',
    apply: (m, r) => {
      const recs = landmarks(m).records;
      const out = copy(m);
      if (recs.length) {
        const at = r.pick(recs).typeOff + 8;
        put16(out, at, r.pick([0, 1, u16(out, at) + 1, u16(out, at) - 1, 0xffff, r.int(65536)]));
      }
      return out;
    },
  },
  {
    name: 'garbage after the header',
    apply: (m, r) => Buffer.concat([m.subarray(0, Math.min(12, m.length)), r.bytes(r.range(0, 80))]),
  },
];

/** Applies 1 to 3 random mutations; returns the result and their names. */
export function mutate(m: Buffer, r: Prng): { bytes: Buffer; ops: string[] } {
  let bytes = m;
  const ops: string[] = [];
  for (let i = r.chance(0.6) ? 1 : r.range(2, 3); i > 0; i--) {
    const mu = r.pick(MUTATIONS);
    bytes = mu.apply(bytes, r);
    ops.push(mu.name);
  }
  return { bytes, ops };
}
