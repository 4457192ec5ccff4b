/**
 * What a server records about the queries it answers, each only when the configuration asks for
 * it: the query log (log-queries), the packet dump (dumpfile=) and the counters /metrics reads
 * (metrics-address), and the tap the pipeline calls with every answer, which feeds the log and the
 * counters. Their start-up settings hold until a restart; a reload changes only the log's filters.
 */
import { performance } from 'node:perf_hooks';
import type { Config } from './config/types.js';
import type { Logger } from './log/logger.js';
import { PacketDump } from './log/packet-dump.js';
import { QueryLog } from './log/query-log.js';
import { QueryLogFilter } from './log/query-log-filter.js';
import { QueryStats } from './metrics/query-stats.js';
import type { Tap } from './pipeline/dispatch.js';

/** The query log, the packet dump and the query counters of one server. */
export class ServerSinks {
  readonly queryLog: QueryLog | null;
  /** dumpfile=: copies of DNS datagrams, or null. */
  readonly dump: PacketDump | null;
  readonly queryStats: QueryStats | null;
  /** Given each answered query with its reply and size, or null when nothing records them. */
  readonly tap: Tap | null;

  constructor(config: Config, log: Logger) {
    const lc = config.log;
    const ql = lc.queries === 'off' ? null : new QueryLog({ target: lc.target, bound: lc.asyncBound, extra: lc.queries === 'extra' });
    const dc = lc.dump;
    this.dump = dc === null ? null : new PacketDump(dc, lc.asyncBound,
      (err) => log.warn({ file: dc.path, err: err.message }, 'cannot reopen the dumpfile; still writing to the old one'));
    const qs = config.metrics ? new QueryStats() : null;
    ql?.setFilter(QueryLogFilter.from(lc.filter));
    this.queryLog = ql;
    this.queryStats = qs;
    this.tap = ql || qs ? (q, r, n) => {
      const ms = performance.now() - q.started;
      ql?.record(q, r, n, ms);
      qs?.record(q, r, ms);
    } : null;
  }

  /** A reload: the query log's filters (log-queries-domain, -exclude, -sample) follow `config`. */
  reload(config: Config): void {
    this.queryLog?.setFilter(QueryLogFilter.from(config.log.filter));
  }

  /** SIGUSR2: reopens the log file and the dumpfile (logrotate). */
  reopen(): void {
    this.queryLog?.reopen();
    this.dump?.reopen();
  }

  /** Records dropped because their file could not keep up, for /metrics. */
  lost(): { readonly queryLogLost: number; readonly dumpLost: number } {
    return { queryLogLost: this.queryLog?.lost ?? 0, dumpLost: this.dump?.lost ?? 0 };
  }

  /** Writes what is queued and closes the files (stop). */
  async close(): Promise<void> {
    await this.queryLog?.close();
    await this.dump?.close();
  }
}
