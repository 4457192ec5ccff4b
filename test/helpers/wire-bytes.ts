/**
 * Byte builders for hand-made DNS messages in wire tests (RFC 1035 §4.1): headers, labels,
 * questions, OPT records. Deliberately independent of src/wire so the tests do not check the
 * code against itself.
 */

/** Concatenates byte arrays and numbers (each number one byte) into a Buffer. */
export function bytes(...parts: (number | readonly number[] | Uint8Array)[]): Buffer {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else out.push(...p);
  }
  return Buffer.from(out);
}

/** A 16-bit big-endian value as two bytes. */
export function u16(n: number): number[] {
  return [(n >>> 8) & 0xff, n & 0xff];
}

/** Uncompressed wire labels for the given labels, with the terminating zero byte. */
export function labels(...names: string[]): number[] {
  const out: number[] = [];
  for (const n of names) out.push(n.length, ...Buffer.from(n, 'latin1'));
  out.push(0);
  return out;
}

/** A name of exactly `wireLength` octets (terminator included), made of labels of up to 63 bytes. */
export function nameOfLength(wireLength: number): number[] {
  const parts: string[] = [];
  let left = wireLength - 1;
  while (left > 0) {
    const n = Math.min(63, left - 1);
    parts.push('x'.repeat(n));
    left -= n + 1;
  }
  return labels(...parts);
}

/** Header fields; unset counts are 0 and unset flag bytes are 0x01 (RD) and 0x00. */
export interface HeaderSpec {
  readonly id?: number;
  readonly flags2?: number;
  readonly flags3?: number;
  readonly qd?: number;
  readonly an?: number;
  readonly ns?: number;
  readonly ar?: number;
}

/** A 12-byte header. */
export function header(h: HeaderSpec = {}): number[] {
  return [...u16(h.id ?? 0x1234), h.flags2 ?? 0x01, h.flags3 ?? 0x00, ...u16(h.qd ?? 1), ...u16(h.an ?? 0), ...u16(h.ns ?? 0), ...u16(h.ar ?? 0)];
}

/** A question entry: name bytes, QTYPE, QCLASS (IN by default). */
export function question(name: readonly number[], qtype = 1, qclass = 1): number[] {
  return [...name, ...u16(qtype), ...u16(qclass)];
}

/** OPT record fields (RFC 6891 §6.1.2). */
export interface OptSpec {
  readonly udp?: number;
  readonly extRcode?: number;
  readonly version?: number;
  readonly flags?: number;
  /** Raw RDATA (options); its length goes into RDLENGTH unless `rdlen` is given. */
  readonly rdata?: readonly number[];
  readonly rdlen?: number;
  /** Owner name bytes; the root by default. */
  readonly owner?: readonly number[];
}

/** An OPT pseudo-record. */
export function opt(o: OptSpec = {}): number[] {
  const rdata = o.rdata ?? [];
  return [
    ...(o.owner ?? [0]),
    ...u16(41),
    ...u16(o.udp ?? 1232),
    o.extRcode ?? 0,
    o.version ?? 0,
    ...u16(o.flags ?? 0),
    ...u16(o.rdlen ?? rdata.length),
    ...rdata,
  ];
}

/** A resource record with the given owner bytes, type, TTL and RDATA (class IN). */
export function record(owner: readonly number[], type: number, ttl: number, rdata: readonly number[]): number[] {
  return [...owner, ...u16(type), ...u16(1), (ttl >>> 24) & 0xff, (ttl >>> 16) & 0xff, (ttl >>> 8) & 0xff, ttl & 0xff, ...u16(rdata.length), ...rdata];
}

/** A compression pointer to `offset` (RFC 1035 §4.1.4). */
export function pointer(offset: number): number[] {
  return [0xc0 | (offset >>> 8), offset & 0xff];
}

/** The question name of compressedReply() and the offset of its "example.com" suffix. */
export const COMPRESSED = { Q_NAME: labels('www', 'example', 'com'), EXAMPLE_AT: 12 + 4 } as const;

/**
 * A reply to www.example.com A whose names are compressed every way RFC 1035 allows: answer 1
 * CNAME www→web.example.com (owner: pointer to the question; RDATA "web" + pointer), answer 2 A
 * 192.0.2.1 for web.example.com (owner: pointer into answer 1's RDATA), authority MX example.com
 * 10 mail.example.com, additional SOA with compressed MNAME and RNAME. `sites` are the offsets of
 * every pointer outside the question.
 */
export function compressedReply(): { msg: Buffer; sites: number[] } {
  const { Q_NAME, EXAMPLE_AT } = COMPRESSED;
  const sites: number[] = [];
  const parts: number[] = [...header({ flags2: 0x81, flags3: 0x80, an: 2, ns: 1, ar: 1 }), ...question(Q_NAME)];
  const add = (rec: number[], siteOffsets: number[]) => {
    for (const s of siteOffsets) sites.push(parts.length + s);
    parts.push(...rec);
  };
  const cnameAt = parts.length;
  add(record(pointer(12), 5, 60, [3, ...Buffer.from('web'), ...pointer(EXAMPLE_AT)]), [0, 12 + 4]);
  add(record(pointer(cnameAt + 12), 1, 60, [192, 0, 2, 1]), [0]);
  add(record(pointer(EXAMPLE_AT), 15, 60, [...u16(10), 4, ...Buffer.from('mail'), ...pointer(EXAMPLE_AT)]), [0, 12 + 2 + 5]);
  const soaTail = Array<number>(20).fill(0);
  add(record(pointer(EXAMPLE_AT), 6, 60, [...pointer(EXAMPLE_AT), 2, 0x6e, 0x73, ...pointer(EXAMPLE_AT), ...soaTail]), [0, 12, 12 + 2 + 3]);
  return { msg: bytes(parts), sites };
}
