/**
 * What a server records about the queries it answers, each only when the configuration asks for
 * it: the query log (log-queries), the packet dump (dumpfile=), dnstap (dnstap-file=, dnstap-socket=) and the
 * counters /metrics reads (metrics-address), and the tap the pipeline calls with every answer,
 * which feeds the log, dnstap and the counters. Their start-up settings hold until a restart; a reload changes only the log's filters.
 */
import { performance } from 'node:perf_hooks';
import type { Config, DnstapConfig } from './config/types.js';
import type { Logger } from './log/logger.js';
import { PacketDump } from './log/packet-dump.js';
import { DnstapLog, type DnstapEvents } from './log/dnstap-log.js';
import { QueryLog } from './log/query-log.js';
import { QueryLogFilter } from './log/query-log-filter.js';
import { QueryStats } from './metrics/query-stats.js';
import type { Tap } from './pipeline/dispatch.js';
import type { ForwardTap } from './upstream/forward-tap.js';

/** What dnstap's destination tells, as operational log lines. */
function dnstapEvents(c: DnstapConfig, log: Logger): DnstapEvents {
  const t = c.target;
  const where = t.kind === 'file' ? { file: t.path } : { socket: t.kind === 'unix' ? t.path : `${t.address}#${t.port}` };
  return {
    reopenFailed: (err) => log.warn({ ...where, err: err.message }, 'cannot reopen the dnstap-file; still writing to the old one'),
    connected: () => log.info(where, 'dnstap: the collector took the stream'),
    failed: (err) => log.warn({ ...where, err: err.message }, 'dnstap: the collector is away; messages wait (up to log-async) and the connection is tried again'),
  };
}

/** The query log, the packet dump and the query counters of one server. */
export class ServerSinks {
  readonly queryLog: QueryLog | null;
  /** dumpfile=: copies of DNS datagrams, or null. */
  readonly dump: PacketDump | null;
  /** dnstap-file= or dnstap-socket=: client queries and replies (and upstream ones) as dnstap, or null. */
  readonly dnstap: DnstapLog | null;
  readonly queryStats: QueryStats | null;
  /** Given each answered query with its reply and size, or null when nothing records them. */
  readonly tap: Tap | null;
  /** Given each exchange with an upstream server (dnstap-messages=forwarder), or null. */
  readonly forwardTap: ForwardTap | null;

  /** @param version fandns's version, written in dnstap messages */
  constructor(config: Config, log: Logger, version: string) {
    const lc = config.log;
    const ql = lc.queries === 'off' ? null : new QueryLog({ target: lc.target, bound: lc.asyncBound, extra: lc.queries === 'extra' });
    const dc = lc.dump;
    this.dump = dc === null ? null : new PacketDump(dc, lc.asyncBound,
      (err) => log.warn({ file: dc.path, err: err.message }, 'cannot reopen the dumpfile; still writing to the old one'));
    const tc = lc.dnstap;
    const dt = tc === null ? null : new DnstapLog(tc, version, lc.asyncBound, dnstapEvents(tc, log));
    this.dnstap = dt;
    const client = tc !== null && tc.client ? dt : null;
    this.forwardTap = dt !== null && tc !== null && tc.forwarder ? dt.recordForward.bind(dt) : null;
    const qs = config.metrics ? new QueryStats() : null;
    ql?.setFilter(QueryLogFilter.from(lc.filter));
    this.queryLog = ql;
    this.queryStats = qs;
    this.tap = ql || qs || client ? (q, r, n, out) => {
      const ms = performance.now() - q.started;
      ql?.record(q, r, n, ms);
      qs?.record(q, r, ms);
      client?.record(q, out);
    } : null;
  }

  /** A reload: the query log's filters (log-queries-domain, -exclude, -sample) follow `config`. */
  reload(config: Config): void {
    this.queryLog?.setFilter(QueryLogFilter.from(config.log.filter));
  }

  /** SIGUSR2: reopens the log file, the dumpfile and the dnstap-file (logrotate); a dnstap collector that is away is tried again. */
  reopen(): void {
    this.queryLog?.reopen();
    this.dump?.reopen();
    this.dnstap?.reopen();
  }

  /** Records dropped because their file could not keep up, and whether the dnstap collector has the stream (null: no dnstap-socket), for /metrics. */
  lost(): { readonly queryLogLost: number; readonly dumpLost: number; readonly dnstapLost: number; readonly dnstapCollectorUp: boolean | null } {
    return { queryLogLost: this.queryLog?.lost ?? 0, dumpLost: this.dump?.lost ?? 0, dnstapLost: this.dnstap?.lost ?? 0, dnstapCollectorUp: this.dnstap?.collectorUp ?? null };
  }

  /** Writes what is queued and closes the files (stop). */
  async close(): Promise<void> {
    await this.queryLog?.close();
    await this.dump?.close();
    await this.dnstap?.close();
  }
}
