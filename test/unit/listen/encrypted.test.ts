/**
 * EncryptedListeners.reload: the ports stay as bound at start, and every reload that asks for
 * others says so (a second such reload too); a configuration that adds encrypted listeners to a
 * server started without them says they wait for a restart.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import type { EncryptedListenConfig } from '../../../src/config/types.js';
import { EncryptedListeners } from '../../../src/listen/encrypted.js';
import { TCP_DEFAULTS } from '../../../src/listen/tcp.js';
import { memoryLog } from '../../helpers/memory-log.js';
import { TLS_FIXTURE } from '../../helpers/stunnel.js';

const cfg = (tlsPort: number | null): EncryptedListenConfig => ({
  tlsPort,
  httpsPort: null,
  certFile: { path: TLS_FIXTURE('server.pem'), origin: { file: 'f.conf', line: 1 } },
  keyFile: { path: TLS_FIXTURE('server.key'), origin: { file: 'f.conf', line: 2 } },
});

describe('EncryptedListeners.reload', () => {
  it('warns on every reload that moves a port, and keeps serving on the one bound', async () => {
    const mem = memoryLog('info');
    const l = new EncryptedListeners(mem.log);
    await l.start(cfg(0), ['127.0.0.1'], () => null, TCP_DEFAULTS);
    try {
      const bound = l.endpoints[0]!.port;
      l.reload(cfg(0));
      assert.deepEqual(mem.lines().map((x) => x.msg), [], 'the same files and ports: nothing to say');
      l.reload(cfg(8853));
      l.reload(cfg(8853));
      l.reload(null);
      const restart = mem.lines().filter((x) => x.msg === 'tls-port and https-port keep their start-up values until a restart');
      assert.equal(restart.length, 3);
      assert.deepEqual(l.endpoints.map((e) => e.port), [bound]);
    } finally {
      await Promise.all([...l.close(), Promise.resolve(l.destroyConnections())]);
    }
  });

  it('a server started without them: a reload that adds them waits for a restart', () => {
    const mem = memoryLog('info');
    const l = new EncryptedListeners(mem.log);
    l.reload(cfg(853));
    assert.deepEqual(mem.lines().map((x) => x.msg), ['tls-port and https-port take effect at the next start, not on SIGHUP']);
    assert.deepEqual(l.endpoints, []);
  });
});
