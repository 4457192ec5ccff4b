/**
 * What an option left out of a configuration is, where that is one number or name (the others
 * stay null or empty in ConfigBuilder). conf/fandns.conf documents the same values.
 */

/** The defaults, in one place. */
export const DEFAULTS = {
  port: 53,
  listenAddress: '127.0.0.1',
  maxTcpConnections: 100,
  forwardMax: 150,
  maxInflight: 10_000,
  ednsPacketMax: 1232,
  upstreamTimeoutMs: 1500,
  queryTimeoutMs: 4000,
  resolvFile: '/etc/resolv.conf',
  cacheSize: 10_000,
  cacheMaxBytes: 256 * 1024 * 1024,
  maxTtl: 2_147_483_647,
  staleMaxSec: 86_400,
  staleClientTimeoutMs: 1800,
  localTtl: 0,
  logAsyncBound: 10_000,
  logAsyncFlag: 5,
  user: 'nobody',
  workers: 1,
} as const;
