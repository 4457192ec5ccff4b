/**
 * DNS protocol constants (RFC 1035 §3.2 and §4.1, RFC 6891 for OPT, RFC 2782 for SRV).
 * Plain `as const` objects so the hot path compares small integers.
 */

/** Resource record types fandns refers to by name. Unknown types pass through as numbers. */
export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  NAPTR: 35,
  DNAME: 39,
  OPT: 41,
  DS: 43,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  NSEC3: 50,
  SVCB: 64,
  HTTPS: 65,
  TKEY: 249,
  TSIG: 250,
  CAA: 257,
  ANY: 255,
} as const;

/** Response codes (RFC 1035 §4.1.1; extended codes from RFC 6891 §9). */
export const RCode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  BADVERS: 16,
} as const;

/** Query classes (RFC 1035 §3.2.4). */
export const QClass = { IN: 1, CH: 3, ANY: 255 } as const;

/** Opcode values (RFC 1035 §4.1.1). */
export const OpCode = { QUERY: 0 } as const;

/** Fixed header size (RFC 1035 §4.1.1). */
export const HEADER_SIZE = 12;

/** The largest DNS message: a TCP frame's two-byte length (RFC 1035 §4.2.2), and so a DoH body's. */
export const MAX_MESSAGE = 65535;

/** Byte 2 of the header: QR, Opcode(4), AA, TC, RD. */
export const FLAG2 = { QR: 0x80, OPCODE_MASK: 0x78, AA: 0x04, TC: 0x02, RD: 0x01 } as const;

/** Byte 3 of the header: RA, Z, AD, CD, RCODE(4). */
export const FLAG3 = { RA: 0x80, AD: 0x20, CD: 0x10, RCODE_MASK: 0x0f } as const;

/** The DO bit inside the OPT TTL field (RFC 3225 §3): bit 15 of the low 16 bits. */
export const OPT_DO = 0x8000;

/** Largest UDP payload without EDNS (RFC 1035 §4.2.1). */
export const CLASSIC_UDP_SIZE = 512;

/** Limits from RFC 1035 §2.3.4. */
export const MAX_LABEL = 63;
export const MAX_NAME = 255;

const typeNames = new Map<number, string>(Object.entries(RRType).map(([k, v]) => [v, k]));

/** Mnemonic of a record type, or `TYPEnnn` (RFC 3597 §5) for unknown ones. */
export function typeName(type: number): string {
  return typeNames.get(type) ?? `TYPE${type}`;
}

/** Record type number for a mnemonic (`A`, `srv`, `TYPE65`), or undefined. */
export function typeFromName(name: string): number | undefined {
  const upper = name.toUpperCase();
  const known = (RRType as Record<string, number>)[upper];
  if (known !== undefined) return known;
  const m = /^TYPE(\d{1,5})$/.exec(upper);
  if (m) {
    const n = Number(m[1]);
    if (n <= 0xffff) return n;
  }
  return undefined;
}

const rcodeNames = new Map<number, string>(Object.entries(RCode).map(([k, v]) => [v, k]));

/** Mnemonic of a response code, or `RCODEn`. */
export function rcodeName(rcode: number): string {
  return rcodeNames.get(rcode) ?? `RCODE${rcode}`;
}
