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
import { rcodeName } from '../wire/constants.js';
import { jsonAsciiBody } from './json-ascii.js';
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
 * Constant stretches of a line, joined once here: each `${}` in a line's template is one more
 * string piece to allocate and later flatten, which is what formatting costs (bench/README.md
 * "Query logging").
 */
/** `,"rcode":"NOERROR","answers":` by RCODE (4 bits). */
const RCODE_PIECE = Array.from({ length: 16 }, (_, i) => `,"rcode":"${rcodeName(i)}","answers":`);
/** `,"source":"cache"` by source. */
const SOURCE_PIECE: Record<ReplySource, string> = {
  local: ',"source":"local"',
  cache: ',"source":"cache"',
  stale: ',"source":"stale"',
  upstream: ',"source":"upstream"',
  coalesced: ',"source":"coalesced"',
  blocked: ',"source":"blocked"',
  error: ',"source":"error"',
};
/** `,"proto":"udp","qname":"` by protocol. */
const QNAME_PIECE: Record<Protocol, string> = { udp: ',"proto":"udp","qname":"', tcp: ',"proto":"tcp","qname":"' };
/** `","qtype":"A"` (closing the qname) by QTYPE, made on first use. */
const qtypePieces = new Map<number, string>();
const qtypePiece = (q: Query): string => {
  let piece = qtypePieces.get(q.p.qtype);
  if (piece === undefined) {
    piece = `","qtype":"${q.typeName}"`;
    if (qtypePieces.size < 1024) qtypePieces.set(q.p.qtype, piece);
  }
  return piece;
};

/** The asynchronous, bounded query log. */
export class QueryLog {
  readonly #sink: LineSink<QueryRecord>;
  readonly #timer: NodeJS.Timeout;
  #reported = 0;
  /** `,"pid":…,"msg":"query","client":"`: what follows the time in every query line. */
  readonly #prefix: string;
  /** The last `time` written, and its text: a batch's lines mostly share their millisecond. */
  #lastMs = -1;
  #lastMsText = '';
  /** Which queries are written (log-queries-domain, -exclude, -sample), or null: all. */
  #filter: QueryLogFilter | null = null;

  constructor(readonly opts: QueryLogOptions) {
    this.#prefix = `,"pid":${process.pid},"msg":"query","client":"`;
    // Every field is ASCII (jsonAsciiBody escapes the rest), so batches are written as latin1.
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
   * One line per record. Measured (bench "hit + log-queries"): formatting and writing, not the
   * queueing, is what logging costs, so lines are short (no constant hostname; upstream only when
   * there is one; latency in whole microseconds, no toFixed) and built with one template each.
   */
  #format(items: readonly QueryRecord[]): string {
    let out = '';
    const extra = this.opts.extra;
    const prefix = this.#prefix;
    for (const { q, r, bytes, latencyMs } of items) {
      const c = q.client;
      const ms = Math.round(origin + q.started);
      if (ms !== this.#lastMs) {
        this.#lastMs = ms;
        this.#lastMsText = String(ms);
      }
      const head = `{"level":30,"time":${this.#lastMsText}${prefix}${c.address}","port":${c.port}${QNAME_PIECE[c.protocol]}${jsonAsciiBody(q.name)}${qtypePiece(q)}`;
      const tail = r === null
        ? ',"source":"dropped"'
        : `${SOURCE_PIECE[r.source]}${r.upstream === null ? '' : `,"upstream":"${r.upstream}"`}${RCODE_PIECE[r.rcode]}${r.answerCount}`;
      const more = extra
        ? `,"id":${q.p.id},"edns":${q.p.edns ? q.p.udpSize : 'null'},"do":${q.p.dnssecOk},"cd":${q.p.cd},"depth":${q.depth},"bytes":${bytes}`
        : '';
      out += `${head}${tail},"latency_us":${Math.round(latencyMs * 1000)}${more}}\n`;
    }
    return out;
  }
}
