/**
 * dumpfile= and dumpmask= (dnsmasq 2.90): copies of DNS datagrams appended to a pcap file for
 * debugging (wire/pcap.ts builds the records). The kinds are dnsmasq's mask bits; fandns produces
 * the four DNS ones, over UDP only as dnsmasq does. The hot path only copies the message into a
 * bounded queue (log/line-sink.ts); records are built and written in batches, and dropped and
 * counted when the disk cannot keep up. A file that exists is appended to if it is a pcap file of
 * raw IP packets, and refused otherwise (a file is never overwritten). SIGUSR2 reopens it, as it
 * does the log (dnsmasq 2.90 reopens only the log).
 */
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import type { PacketDumpConfig } from '../config/types.js';
import { addressBytes } from './address-bytes.js';
import { isRawIpPcap, pcapFileHeader, pcapRecord } from '../wire/pcap.js';
import { prepareHeadedFile } from './headed-file.js';
import { LineSink } from './line-sink.js';

/** dnsmasq's dumpmask bits for DNS packets. */
export const DumpKind = {
  /** A query from a client. */
  QUERY: 0x0001,
  /** A reply to a client. */
  REPLY: 0x0002,
  /** A query to an upstream server. */
  UP_QUERY: 0x0004,
  /** A reply from an upstream server. */
  UP_REPLY: 0x0008,
} as const;

interface Packet {
  readonly micros: number;
  readonly payload: Buffer;
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
}

/**
 * Makes the dumpfile ready to be appended to: creates it (mode 0600: packets may hold private
 * names) with a pcap header, writes the header into an empty file, or checks that an existing file
 * is a pcap file of raw IP packets. Otherwise throws a ConfigError naming the dumpfile line (exit
 * code 3, as for files). With workers= the primary calls it before any worker starts.
 *
 * Several processes may prepare one new file at once (workers on SIGUSR2): headed-file.ts writes
 * the header at offset 0, so the file gets one header.
 */
export function prepareDumpFile(c: PacketDumpConfig): void {
  prepareHeadedFile(c.path, pcapFileHeader(), isRawIpPcap, { code: 'FANDNS_DUMP_FILE', option: 'dumpfile', origin: c.origin, what: 'a pcap file of raw IP packets' });
}

/** The packet dump of one process. */
export class PacketDump {
  readonly #sink: LineSink<Packet>;

  readonly mask: number;

  /**
   * Opens the dumpfile (prepareDumpFile first) for appending.
   * @param bound most packets waiting while a write is in flight
   * @param reopenFailed told why a reopen (SIGUSR2) failed; the dump goes on into the file it had
   */
  constructor(c: PacketDumpConfig, bound: number, reopenFailed: (err: Error) => void = () => {}) {
    this.mask = c.mask;
    this.#sink = new LineSink<Packet>({ kind: 'file', path: c.path }, bound, (ps) => Buffer.concat(ps.map(toRecord)), 'utf8', {
      prepare: () => prepareDumpFile(c),
      reopenFailed,
    });
  }

  /**
   * SIGUSR2 (logrotate): once the write in flight is done, appends to the file now at the path,
   * made ready as at start (created with a pcap header, or checked to be a pcap file).
   */
  reopen(): void {
    this.#sink.reopen();
  }

  /** Packets dropped because the file could not keep up. */
  get lost(): number {
    return this.#sink.lost;
  }

  /** Queues a copy of `msg`, a datagram of `kind` from src#srcPort to dst#dstPort, if the mask has its kind. */
  packet(kind: number, msg: Uint8Array, src: string, srcPort: number, dst: string, dstPort: number): void {
    if ((this.mask & kind) === 0) return;
    const micros = Math.round((performance.timeOrigin + performance.now()) * 1000);
    this.#sink.push({ micros, payload: Buffer.from(msg), src, srcPort, dst, dstPort });
  }

  /** Writes what is queued and closes the file. */
  close(): Promise<void> {
    return this.#sink.close();
  }
}

function toRecord(p: Packet): Buffer {
  return pcapRecord(p.micros, { src: addressBytes(p.src), srcPort: p.srcPort, dst: addressBytes(p.dst), dstPort: p.dstPort, payload: p.payload });
}
