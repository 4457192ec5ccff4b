/**
 * The query log (`log-queries`): one JSON line per query in pino's format (level, time, pid,
 * hostname, msg) so `pino-pretty` reads it, with the client, protocol, qname, qtype (not "name",
 * which pino tools take for the logger's name), where the
 * answer came from, the upstream, RCODE, answer count and latency. The hot path only queues a
 * small record; names are decoded and lines formatted in batches (pino per query cost 30–40% of
 * throughput in the prototype: shared/reference/node-performance.md §5). A periodic line reports
 * records lost to a full queue.
 */
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Query } from '../pipeline/query.js';
import type { Reply } from '../pipeline/types.js';
import { rcodeName } from '../wire/constants.js';
import { LineSink, type SinkTarget } from './line-sink.js';

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

/** The asynchronous, bounded query log. */
export class QueryLog {
  readonly #sink: LineSink<QueryRecord>;
  readonly #timer: NodeJS.Timeout;
  #reported = 0;
  readonly #prefix: string;

  constructor(readonly opts: QueryLogOptions) {
    this.#prefix = `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())},"msg":"query"`;
    this.#sink = new LineSink(opts.target, opts.bound, (items) => this.#format(items));
    this.#timer = setInterval(() => this.#reportLost(), opts.lostReportMs ?? 10_000);
    this.#timer.unref();
  }

  /** Records one answered (or dropped) query. O(1): no formatting here. */
  record(q: Query, r: Reply | null, bytes: number, latencyMs: number): void {
    this.#sink.push({ q, r, bytes, latencyMs });
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

  #format(items: readonly QueryRecord[]): string {
    let out = '';
    const extra = this.opts.extra;
    for (const { q, r, bytes, latencyMs } of items) {
      const c = q.client;
      out += `{"level":30,"time":${Math.round(origin + q.started)}${this.#prefix},"client":"${c.address}","port":${c.port},"proto":"${c.protocol}","qname":${JSON.stringify(q.name)},"qtype":"${q.typeName}"`;
      if (r) {
        out += `,"source":"${r.source}","upstream":${r.upstream === null ? 'null' : `"${r.upstream}"`},"rcode":"${rcodeName(r.rcode)}","answers":${r.answerCount}`;
      } else out += ',"source":"dropped"';
      out += `,"latency_ms":${latencyMs.toFixed(3)}`;
      if (extra) {
        out += `,"id":${q.p.id},"edns":${q.p.edns ? q.p.udpSize : 'null'},"do":${q.p.dnssecOk},"cd":${q.p.cd},"depth":${q.depth},"bytes":${bytes}`;
      }
      out += '}\n';
    }
    return out;
  }
}
