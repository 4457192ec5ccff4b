/**
 * The mutable state the directive table writes into while files are read, and its conversion
 * into the read-only Config with every default filled in.
 */
import type { Config, DomainRule } from './types.js';

/** Defaults, in one place; conf/fandns.conf documents the same values. */
export const DEFAULTS = {
  port: 53,
  listenAddress: '127.0.0.1',
  maxTcpConnections: 100,
  forwardMax: 150,
  ednsPacketMax: 1232,
  upstreamTimeoutMs: 1500,
  queryTimeoutMs: 4000,
  resolvFile: '/etc/resolv.conf',
} as const;

/** Accumulates directive values. `null` means "not given": the default applies. */
export class ConfigBuilder {
  port: number | null = null;
  listenAddresses: string[] = [];
  maxTcpConnections: number | null = null;
  rules: DomainRule[] = [];
  /** null: the default file; otherwise the files given (possibly none after `resolv-file=`). */
  resolvFiles: string[] | null = null;
  noResolv = false;
  noPoll = false;
  strictOrder = false;
  allServers = false;
  forwardMax: number | null = null;
  ednsPacketMax: number | null = null;
  upstreamTimeoutMs: number | null = null;
  queryTimeoutMs: number | null = null;
  readonly files: string[] = [];
  readonly warnings: string[] = [];

  /** Freezes the accumulated values into a Config, applying defaults. */
  finish(): Config {
    const config: Config = {
      listen: {
        addresses: this.listenAddresses.length ? [...new Set(this.listenAddresses)] : [DEFAULTS.listenAddress],
        port: this.port ?? DEFAULTS.port,
        maxTcpConnections: this.maxTcpConnections ?? DEFAULTS.maxTcpConnections,
      },
      forward: {
        policy: this.allServers ? 'all-servers' : this.strictOrder ? 'strict-order' : 'fastest',
        forwardMax: this.forwardMax ?? DEFAULTS.forwardMax,
        ednsPacketMax: this.ednsPacketMax ?? DEFAULTS.ednsPacketMax,
        upstreamTimeoutMs: this.upstreamTimeoutMs ?? DEFAULTS.upstreamTimeoutMs,
        queryTimeoutMs: this.queryTimeoutMs ?? DEFAULTS.queryTimeoutMs,
        resolvFiles: this.noResolv ? [] : (this.resolvFiles ?? [DEFAULTS.resolvFile]),
        noResolv: this.noResolv,
        noPoll: this.noPoll,
      },
      rules: this.rules,
      files: this.files,
      warnings: this.warnings,
    };
    return deepFreeze(config);
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
