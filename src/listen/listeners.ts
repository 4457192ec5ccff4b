/**
 * Every socket a server answers clients on: a UDP and a TCP listener per listen address (on one
 * port number, bind-pair.ts), and the encrypted ones (encrypted.ts). Bound at start; stopped in
 * two steps, so queries in flight can drain: first no new connections, then the rest closed.
 */
import type { Socket as UdpSocket } from 'node:dgram';
import type { ListenConfig } from '../config/types.js';
import type { Logger } from '../log/logger.js';
import type { PacketDump } from '../log/packet-dump.js';
import type { Endpoint } from '../upstream/self-detect.js';
import { bindPair } from './bind-pair.js';
import { EncryptedListeners, type EncryptedEndpoint, type PresentedCertificate } from './encrypted.js';
import { listenAddresses } from './interfaces.js';
import { listenTcp, TCP_DEFAULTS, type TcpListener } from './tcp.js';
import { listenUdp, type DatagramHandler } from './udp.js';

/** The listening sockets of one server. */
export class Listeners {
  /** Plain DNS's addresses and ports, as bound (the runtime's self-detection reads this array). */
  readonly endpoints: Endpoint[] = [];
  readonly #udp: UdpSocket[] = [];
  readonly #tcp: TcpListener[] = [];
  readonly #encrypted: EncryptedListeners;

  /** @param certPollMs how often the certificate files are read for a renewal (cert-watch.ts) */
  constructor(log: Logger, certPollMs?: number) {
    this.#encrypted = new EncryptedListeners(log, certPollMs);
  }

  /** Where the DNS-over-TLS and DNS-over-HTTPS listeners are bound. */
  get encryptedEndpoints(): readonly EncryptedEndpoint[] {
    return this.#encrypted.endpoints;
  }

  /** The certificate the encrypted listeners present now, or null without them. */
  get certificate(): PresentedCertificate | null {
    return this.#encrypted.certificate;
  }

  /** Binds them all; on a failure, what was bound stays for close(). */
  async bind(listen: ListenConfig, onQuery: DatagramHandler, dump: PacketDump | null): Promise<void> {
    const addresses = listenAddresses(listen);
    const tcpOptions = { ...TCP_DEFAULTS, maxConnections: listen.maxTcpConnections };
    for (const address of addresses) {
      const pair = await bindPair(listen.port, (p) => listenUdp(address, p, onQuery, dump), (p) => listenTcp(address, p, onQuery, tcpOptions));
      this.#udp.push(pair.udp);
      this.#tcp.push(pair.tcp);
      this.endpoints.push({ address, port: pair.port });
    }
    await this.#encrypted.start(listen.encrypted, addresses, onQuery, tcpOptions);
  }

  /** A reload: the encrypted listeners' certificate is read again (the ports stay). */
  reload(listen: ListenConfig): void {
    this.#encrypted.reload(listen.encrypted);
  }

  /** What the start-up log line says: `listen`, and `encrypted` when there are such listeners. */
  describe(): Record<string, string[]> {
    const encrypted = this.#encrypted.endpoints.map((e) => `${e.protocol}://${e.address}#${e.port}`);
    return { listen: this.endpoints.map((e) => `${e.address}#${e.port}`), ...(encrypted.length > 0 ? { encrypted } : {}) };
  }

  /** First step of a stop: no new connections; those open go on. The promises settle once each listener has closed. */
  stopAccepting(): Promise<void>[] {
    return [...this.#tcp.map((t) => t.close()), ...this.#encrypted.close()];
  }

  /** Second step: the UDP sockets close and open connections end. Settles once the UDP sockets have closed. */
  close(): Promise<void>[] {
    const closing = this.#udp.splice(0).map((s) => new Promise<void>((r) => s.close(() => r())));
    for (const t of this.#tcp.splice(0)) t.destroyConnections();
    this.#encrypted.destroyConnections();
    return closing;
  }
}
