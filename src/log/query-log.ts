/**
 * The query log (`log-queries`): one JSON line per query in pino's format (level, time, pid,
 * msg) so `pino-pretty` reads it, with the client, protocol, qname, qtype (not "name",
 * which pino tools take for the logger's name), where the
 * answer came from, the upstream, RCODE, answer count and latency. The hot path only queues a
 * small record; names are decoded and lines formatted in batches (pino per query cost 30–40% of
 * throughput in the prototype: shared/reference/node-performance.md §5). A periodic line reports
 * records lost to a full queue.
 */
import { performance } from 'node:perf_hooks';
import type { Protocol, Query } from '../pipeline/query.js';
import type { Reply, ReplySource } from '../pipeline/types.js';
import { Buffer } from 'node:buffer';
import { HEADER_SIZE, rcodeName } from '../wire/constants.js';
import { foldCase } from '../wire/name.js';
import { AsciiBytes, jsonBodyBytes } from './ascii-bytes.js';
import { LineSink, type SinkTarget } from './line-sink.js';
import type { QueryLogFilter } from './query-log-filter.js';

/** What is kept per query until the batch is formatted. */
interface QueryRecord {
  readonly q: Query;
  readonly r: Reply | null;
  readonly bytes: number;
  readonly latencyMs: number;
}

/** Query log options. */
export interface QueryLogOptions {
  readonly target: SinkTarget;
  /** log-async: most records queued. */
  readonly bound: number;
  /** log-queries=extra: add the DNS ID, EDNS details and reply size. */
  readonly extra: boolean;
  /** How often a "records lost" line is written when records were dropped. */
  readonly lostReportMs?: number;
}

const origin = performance.timeOrigin;

/*
 * Constant stretches of a line, encoded once here: a line is written as bytes into one buffer per
 * batch (ascii-bytes.ts), each stretch one copy (bench/README.md "Query logging").
 */
const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');
/** `,"rcode":"NOERROR","answers":` by RCODE (4 bits). */
const RCODE_PIECE = Array.from({ length: 16 }, (_, i) => ascii(`,"rcode":"${rcodeName(i)}","answers":`));
/** `,"source":"cache"` by source. */
const SOURCE_PIECE: Record<ReplySource, Buffer> = {
  local: ascii(',"source":"local"'),
  cache: ascii(',"source":"cache"'),
  stale: ascii(',"source":"stale"'),
  upstream: ascii(',"source":"upstream"'),
  coalesced: ascii(',"source":"coalesced"'),
  blocked: ascii(',"source":"blocked"'),
  error: ascii(',"source":"error"'),
};
const DROPPED = ascii(',"source":"dropped"');
const LINE_START = ascii('{"level":30,"time":');
const PORT = ascii('","port":');
const UPSTREAM = ascii(',"upstream":"');
const QUOTE = ascii('"');
const LATENCY = ascii(',"latency_us":');
const ID = ascii(',"id":');
const EDNS = ascii(',"edns":');
const NULL = ascii('null');
const DO = [ascii(',"do":false'), ascii(',"do":true')];
const CD = [ascii(',"cd":false'), ascii(',"cd":true')];
const DEPTH = ascii(',"depth":');
const BYTES = ascii(',"bytes":');
const LINE_END = ascii('}\n');
/** `,"proto":"udp","qname":"` by protocol. */
const QNAME_PIECE: Record<Protocol, Buffer> = {
  udp: ascii(',"proto":"udp","qname":"'),
  tcp: ascii(',"proto":"tcp","qname":"'),
  tls: ascii(',"proto":"tls","qname":"'),
  https: ascii(',"proto":"https","qname":"'),
};
/** `","qtype":"A"` (closing the qname) by QTYPE, made on first use. */
const qtypePieces = new Map<number, Buffer>();
const qtypePiece = (q: Query): Buffer => {
  let piece = qtypePieces.get(q.p.qtype);
  if (piece === undefined) {
    piece = Buffer.concat([ascii('","qtype":"'), jsonBodyBytes(q.typeName), QUOTE]);
    if (qtypePieces.size < 1024) qtypePieces.set(q.p.qtype, piece);
  }
  return piece;
};

/**
 * Appends the question name of `q` as `q.name` reads (lower case, dotted, '' for the root),
 * JSON-escaped, straight from the message's labels; a name with a dot or backslash inside a label
 * (written escaped, as readName does) goes through `q.name` instead.
 */
function writeName(out: AsciiBytes, q: Query): void {
  const msg = q.msg;
  const start = out.length;
  const end = HEADER_SIZE + q.nameLen - 1;
  out.room(6 * q.nameLen);
  for (let i = HEADER_SIZE; i < end; ) {
    const len = msg[i]!;
    if (i > HEADER_SIZE) out.jsonChar(0x2e);
    for (let j = i + 1, e = i + 1 + len; j < e; j++) {
      const c = msg[j]!;
      if (c === 0x2e || c === 0x5c) {
        out.truncate(start);
        out.jsonBody(q.name);
        return;
      }
      out.jsonChar(foldCase(c));
    }
    i += len + 1;
  }
}

/** The asynchronous, bounded query log. */
export class QueryLog {
  readonly #sink: LineSink<QueryRecord>;
  readonly #timer: NodeJS.Timeout;
  #reported = 0;
  /** `,"pid":…,"msg":"query","client":"`: what follows the time in every query line. */
  readonly #prefix: Buffer;
  /** Where a batch's lines are written. */
  readonly #out = new AsciiBytes();
  /** The last `time` written, and its digits: a batch's lines mostly share their millisecond. */
  #lastMs = -1;
  #lastMsDigits: Buffer = Buffer.alloc(0);
  /** The last client address written, and its bytes: most lines come from a few clients. */
  #lastClient = '';
  #lastClientBytes: Buffer = Buffer.alloc(0);
  /** Which queries are written (log-queries-domain, -exclude, -sample), or null: all. */
  #filter: QueryLogFilter | null = null;

  constructor(readonly opts: QueryLogOptions) {
    this.#prefix = ascii(`,"pid":${process.pid},"msg":"query","client":"`);
    // Every field is ASCII (JSON strings are escaped to it), so notes are written as latin1.
    this.#sink = new LineSink(opts.target, opts.bound, (items) => this.#format(items), 'latin1');
    this.#timer = setInterval(() => this.#reportLost(), opts.lostReportMs ?? 10_000);
    this.#timer.unref();
  }

  /** Records one answered (or dropped) query, unless the filter leaves it out. O(1): no formatting here. */
  record(q: Query, r: Reply | null, bytes: number, latencyMs: number): void {
    if (this.#filter !== null && !this.#filter.admits(q, r)) return;
    this.#sink.push({ q, r, bytes, latencyMs });
  }

  /** Sets which queries are written (null: all); a reload sets its configuration's. */
  setFilter(filter: QueryLogFilter | null): void {
    this.#filter = filter;
  }

  /** Records dropped so far because the sink could not keep up. */
  get lost(): number {
    return this.#sink.lost;
  }

  /** SIGUSR2: reopen the log file. */
  reopen(): void {
    this.#sink.reopen();
  }

  /** Writes what is queued and stops (SIGTERM, exit). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#reportLost();
    await this.#sink.close();
  }

  #reportLost(): void {
    const lost = this.#sink.lost;
    if (lost === this.#reported) return;
    const n = lost - this.#reported;
    this.#reported = lost;
    this.#sink.note(`{"level":40,"time":${Date.now()},"pid":${process.pid},"msg":"${n} log records lost","lost":${n},"lostTotal":${lost}}\n`);
  }

  /**
   * One line per record, as bytes. Measured (bench "hit + log-queries"): formatting and writing,
   * not the queueing, is what logging costs, so lines are short (no constant hostname; upstream
   * only when there is one; latency in whole microseconds) and written byte by byte into one
   * buffer, with no string made per line.
   */
  #format(items: readonly QueryRecord[]): Buffer {
    const out = this.#out;
    const extra = this.opts.extra;
    for (const { q, r, bytes, latencyMs } of items) {
      const c = q.client;
      out.bytes(LINE_START);
      const ms = Math.round(origin + q.started);
      if (ms !== this.#lastMs) {
        this.#lastMs = ms;
        this.#lastMsDigits = ascii(String(ms));
      }
      out.bytes(this.#lastMsDigits);
      out.bytes(this.#prefix);
      if (c.address !== this.#lastClient) {
        this.#lastClient = c.address;
        this.#lastClientBytes = jsonBodyBytes(c.address);
      }
      out.bytes(this.#lastClientBytes);
      out.bytes(PORT);
      out.uint(c.port);
      out.bytes(QNAME_PIECE[c.protocol]);
      writeName(out, q);
      out.bytes(qtypePiece(q));
      if (r === null) out.bytes(DROPPED);
      else {
        out.bytes(SOURCE_PIECE[r.source]);
        if (r.upstream !== null) {
          out.bytes(UPSTREAM);
          out.jsonBody(r.upstream);
          out.bytes(QUOTE);
        }
        out.bytes(RCODE_PIECE[r.rcode]!);
        out.uint(r.answerCount);
      }
      out.bytes(LATENCY);
      out.uint(Math.round(latencyMs * 1000));
      if (extra) {
        out.bytes(ID);
        out.uint(q.p.id);
        out.bytes(EDNS);
        if (q.p.edns) out.uint(q.p.udpSize);
        else out.bytes(NULL);
        out.bytes(DO[q.p.dnssecOk ? 1 : 0]!);
        out.bytes(CD[q.p.cd ? 1 : 0]!);
        out.bytes(DEPTH);
        out.uint(q.depth);
        out.bytes(BYTES);
        out.uint(bytes);
      }
      out.bytes(LINE_END);
    }
    return out.take();
  }
}
