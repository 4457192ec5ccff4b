/**
 * Starts a real fandns server in-process on 127.0.0.1 with an ephemeral port, from config text.
 * Every test config gets `no-resolv` and loopback servers only (never the host's resolvers).
 */
import { parseConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { createLogger, type Logger } from '../../src/log/logger.js';
import { FandnsServer, type ServerOptions } from '../../src/server.js';
import { query, type QueryOptions, type Reply } from './dns-client.js';

/** A running proxy. */
export interface TestProxy {
  readonly port: number;
  readonly server: FandnsServer;
  readonly config: Config;
  query(name: string, opts?: QueryOptions & { tcp?: boolean; timeoutMs?: number }): Promise<Reply>;
  stop(): Promise<void>;
}

/** Config text every test proxy starts with. */
export const TEST_PREAMBLE = 'port=0\nlisten-address=127.0.0.1\nno-resolv\nno-hosts\n';

/** Starts a proxy with `conf` appended to the test preamble (operational log: `log`, else silent; `options` as a cluster worker would get them). */
export async function startProxy(conf: string, log?: Logger, options: ServerOptions = {}): Promise<TestProxy> {
  const config = parseConfigText(TEST_PREAMBLE + conf, 'test.conf');
  const server = new FandnsServer(config, log ?? createLogger(process.env['FANDNS_TEST_LOG'] ?? 'silent'), undefined, undefined, options);
  await server.start();
  const port = server.endpoints[0]!.port;
  return {
    port,
    server,
    config,
    query: (name, opts) => query(port, name, opts),
    stop: () => server.stop(),
  };
}
