/**
 * One query travelling through the pipeline: the bytes as received, what the hot-path parser
 * learned, who asked and how. Fields are all set in the constructor (one stable object shape).
 */
import { Buffer } from 'node:buffer';
import type { ParsedQuery } from '../wire/query-parse.js';
import { lowerDottedName, readName } from '../wire/name.js';
import { HEADER_SIZE, typeName } from '../wire/constants.js';

/** Transport the client used: plain DNS, DNS over TLS (RFC 7858) or over HTTPS (RFC 8484). */
export type Protocol = 'udp' | 'tcp' | 'tls' | 'https';

/** The client end of a query. */
export interface Client {
  readonly address: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** The address the query was sent to: the listening socket's (localise-queries). */
  readonly localAddress: string;
  /** The port the query was sent to: the listening socket's (dnstap's response_port). */
  readonly localPort: number;
  /** Sends the reply to a query answered asynchronously (null: no reply); never throws. */
  reply(out: Buffer | null): void;
}

/** A parsed query plus context. */
export class Query {
  /** Wire length of the question name (the key's name part). */
  readonly nameLen: number;
  /** Set by the router once per query; other stages read it. */
  route: unknown = null;
  #name: string | null = null;
  #nameKey: string | null = null;

  /**
   * @param msg the query bytes as received (owned: nobody else mutates them)
   * @param p what parseQuery found
   * @param client who asked
   * @param started time the query arrived (performance.now() ms)
   * @param depth how many cname hops led here (0 for client queries)
   */
  constructor(
    readonly msg: Buffer,
    readonly p: ParsedQuery,
    readonly client: Client,
    readonly started: number,
    readonly depth = 0,
  ) {
    this.nameLen = p.nameLen;
  }

  /**
   * Lower-cased dotted name without trailing dot ('' for the root); made on first use from the
   * message's question (a label holding a dot or backslash is escaped as readName does, RFC 4343
   * §2.1). Measured: 0.9 µs through readName; one pass and one string this way (once per logged
   * query).
   */
  get name(): string {
    if (this.#name === null) {
      this.#name = lowerDottedName(this.msg, HEADER_SIZE, this.nameLen) ?? readName(Buffer.from(this.p.key, 'latin1'), 0)?.name ?? '';
    }
    return this.#name;
  }

  /**
   * The name part of the cache key (lower-cased wire name as a latin1 string): what local data,
   * aliases and filters are looked up by. Made on first use and kept, as several stages may ask.
   */
  get nameKey(): string {
    return (this.#nameKey ??= this.p.key.slice(0, this.nameLen));
  }

  /** Query type mnemonic, for logs. */
  get typeName(): string {
    return typeName(this.p.qtype);
  }
}
