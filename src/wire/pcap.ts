/**
 * pcap records of DNS datagrams (dumpfile=): the classic libpcap file format
 * (draft-ietf-opsawg-pcap §4–5) with link type 101 (LINKTYPE_RAW: each packet starts with its IP
 * header), as dnsmasq writes its dumps. Each DNS message is wrapped in the IPv4 (RFC 791 §3.1) or
 * IPv6 (RFC 8200 §3) and UDP (RFC 768) headers it travelled in, checksums included (RFC 1071; the
 * IPv6 pseudo-header of RFC 8200 §8.1), so Wireshark and tcpdump read it as captured traffic. Pure.
 */
import { Buffer } from 'node:buffer';

/** LINKTYPE_RAW: packets begin with an IPv4 or IPv6 header. */
export const LINKTYPE_RAW = 101;
/** Size of the file header, and of each record's header. */
export const PCAP_FILE_HEADER_SIZE = 24;
const RECORD_HEADER_SIZE = 16;
const MAGIC = 0xa1b2c3d4;
const SNAPLEN = 65535;
const UDP = 17;
const TTL = 64;

/** The file header: magic (microsecond timestamps), version 2.4, no time zone, snaplen 65535, raw IP. */
export function pcapFileHeader(): Buffer {
  const h = Buffer.alloc(PCAP_FILE_HEADER_SIZE);
  h.writeUInt32LE(MAGIC, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(SNAPLEN, 16);
  h.writeUInt32LE(LINKTYPE_RAW, 20);
  return h;
}

/** True when `head` (the first bytes of a file) is a pcap file header of raw IP packets, either byte order. */
export function isRawIpPcap(head: Uint8Array): boolean {
  if (head.length < PCAP_FILE_HEADER_SIZE) return false;
  const b = Buffer.from(head.buffer, head.byteOffset, PCAP_FILE_HEADER_SIZE);
  if (b.readUInt32LE(0) === MAGIC) return b.readUInt32LE(20) === LINKTYPE_RAW;
  if (b.readUInt32BE(0) === MAGIC) return b.readUInt32BE(20) === LINKTYPE_RAW;
  return false;
}

/** The ones' complement sum of `b[from, to)` as 16-bit words (RFC 1071), folded, added to `sum`. */
function onesSum(b: Uint8Array, from: number, to: number, sum: number): number {
  for (let i = from; i + 1 < to; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if ((to - from) & 1) sum += b[to - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** One datagram, addresses as 4 or 16 bytes (both of one family). */
export interface Datagram {
  readonly src: Uint8Array;
  readonly srcPort: number;
  readonly dst: Uint8Array;
  readonly dstPort: number;
  readonly payload: Uint8Array;
}

/** The pcap record of `d` seen at `micros` (microseconds since the epoch): record header, IP, UDP, payload. */
export function pcapRecord(micros: number, d: Datagram): Buffer {
  const v6 = d.src.length === 16;
  const ipLen = v6 ? 40 : 20;
  const udpLen = 8 + d.payload.length;
  const total = ipLen + udpLen;
  const out = Buffer.alloc(RECORD_HEADER_SIZE + total);
  out.writeUInt32LE(Math.floor(micros / 1e6), 0);
  out.writeUInt32LE(micros % 1e6, 4);
  out.writeUInt32LE(total, 8);
  out.writeUInt32LE(total, 12);
  const ip = RECORD_HEADER_SIZE;
  if (v6) {
    out[ip] = 0x60;
    out.writeUInt16BE(udpLen, ip + 4);
    out[ip + 6] = UDP;
    out[ip + 7] = TTL;
    out.set(d.src, ip + 8);
    out.set(d.dst, ip + 24);
  } else {
    out[ip] = 0x45;
    out.writeUInt16BE(total, ip + 2);
    out[ip + 8] = TTL;
    out[ip + 9] = UDP;
    out.set(d.src, ip + 12);
    out.set(d.dst, ip + 16);
    out.writeUInt16BE(~onesSum(out, ip, ip + 20, 0) & 0xffff, ip + 10);
  }
  const udp = ip + ipLen;
  out.writeUInt16BE(d.srcPort, udp);
  out.writeUInt16BE(d.dstPort, udp + 2);
  out.writeUInt16BE(udpLen, udp + 4);
  out.set(d.payload, udp + 8);
  // Pseudo-header: addresses, protocol and UDP length (RFC 768; RFC 8200 §8.1 for IPv6).
  let sum = onesSum(d.src, 0, d.src.length, 0);
  sum = onesSum(d.dst, 0, d.dst.length, sum);
  sum = onesSum(out, udp, udp + udpLen, sum + UDP + udpLen);
  const check = ~sum & 0xffff;
  out.writeUInt16BE(check === 0 ? 0xffff : check, udp + 6);
  return out;
}
