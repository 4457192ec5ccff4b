/**
 * CertificateWatch: a renewed certificate and key are taken up without a SIGHUP once both files
 * hold a pair that checks out; a pair caught half-written is looked at again before any warning;
 * a failure that lasts is warned about once, not at every look; files that do not change give
 * nothing to say. The listeners then present the renewed certificate to new connections.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { EncryptedListenConfig } from '../../../src/config/types.js';
import { CertificateWatch } from '../../../src/listen/cert-watch.js';
import { EncryptedListeners } from '../../../src/listen/encrypted.js';
import { TCP_DEFAULTS } from '../../../src/listen/tcp.js';
import type { TlsCredentials } from '../../../src/listen/tls-credentials.js';
import { dotConnect } from '../../helpers/encrypted-client.js';
import { memoryLog } from '../../helpers/memory-log.js';
import { TLS_FIXTURE } from '../../helpers/stunnel.js';
import { sleep, waitFor } from '../../helpers/wait.js';

const POLL_MS = 30;
const pem = (name: string) => readFileSync(TLS_FIXTURE(name), 'utf8');
const SIGNED: TlsCredentials = { cert: pem('server.pem'), key: pem('server.key') };
const RENEWED: TlsCredentials = { cert: pem('self-signed.pem'), key: pem('self-signed.key') };

/** A directory with the signed pair copied in, and the config naming it. */
function files(): { dir: string; cfg: EncryptedListenConfig; write: (which: 'cert' | 'key', text: string) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'fandns-cert-watch-'));
  copyFileSync(TLS_FIXTURE('server.pem'), join(dir, 'cert.pem'));
  copyFileSync(TLS_FIXTURE('server.key'), join(dir, 'key.pem'));
  const cfg: EncryptedListenConfig = {
    tlsPort: 0, httpsPort: null,
    certFile: { path: join(dir, 'cert.pem'), origin: { file: 'f.conf', line: 3 } },
    keyFile: { path: join(dir, 'key.pem'), origin: { file: 'f.conf', line: 4 } },
  };
  return { dir, cfg, write: (which, text) => writeFileSync(join(dir, `${which}.pem`), text) };
}

/** Runs `body` with a watch of fresh files at POLL_MS, recording what it hands on and logs. */
async function withWatch(body: (f: ReturnType<typeof files>, renewed: TlsCredentials[], log: ReturnType<typeof memoryLog>) => Promise<void>): Promise<void> {
  const f = files();
  const log = memoryLog('info');
  const renewed: TlsCredentials[] = [];
  const w = new CertificateWatch(f.cfg, SIGNED, (c) => renewed.push(c), log.log, POLL_MS);
  try {
    await body(f, renewed, log);
  } finally {
    w.close();
    rmSync(f.dir, { recursive: true, force: true });
  }
}

const messages = (log: ReturnType<typeof memoryLog>) => log.lines().map((l) => l.msg);

describe('CertificateWatch', () => {
  it('says nothing while the files hold the pair in use', () =>
    withWatch(async (_f, renewed, log) => {
      await sleep(POLL_MS * 5);
      assert.deepEqual(renewed, []);
      assert.deepEqual(messages(log), []);
    }));

  it('hands on a renewed pair once, and logs when it expires', () =>
    withWatch(async (f, renewed, log) => {
      f.write('cert', RENEWED.cert);
      f.write('key', RENEWED.key);
      await waitFor(() => renewed.length === 1, 'the renewal taken up');
      await sleep(POLL_MS * 4);
      assert.deepEqual(renewed, [RENEWED]);
      const line = log.lines().find((l) => l.msg.startsWith('TLS certificate renewed'));
      assert.equal(line?.['notAfter'], new Date(new X509Certificate(RENEWED.cert).validTo).toISOString());
    }));

  it('a certificate written before its key: taken up once the key follows, with no warning', () =>
    withWatch(async (f, renewed, log) => {
      f.write('cert', RENEWED.cert);
      await sleep(POLL_MS * 3);
      f.write('key', RENEWED.key);
      await waitFor(() => renewed.length === 1, 'the renewal taken up');
      assert.deepEqual(messages(log).filter((m) => m.startsWith('cannot')), []);
    }));

  it('a broken pair that stays is warned about once, naming the file\'s line; a fixed one is taken up', () =>
    withWatch(async (f, renewed, log) => {
      f.write('key', 'not a key\n');
      await waitFor(() => messages(log).some((m) => m.startsWith('cannot')), 'a warning', 5000);
      await sleep(1500);
      const warnings = log.lines().filter((l) => l.msg.startsWith('cannot take up the TLS certificate files'));
      assert.equal(warnings.length, 1);
      assert.match(String(warnings[0]!['err']), /^f\.conf:4: tls-key-file ".*key\.pem" holds no PEM private key/);
      assert.deepEqual(renewed, []);
      f.write('key', RENEWED.key);
      f.write('cert', RENEWED.cert);
      await waitFor(() => renewed.length === 1, 'the fixed pair taken up');
    }));

  it('a file gone is warned about once too', () =>
    withWatch(async (f, renewed, log) => {
      rmSync(f.cfg.certFile.path);
      await waitFor(() => messages(log).some((m) => m.startsWith('cannot')), 'a warning', 5000);
      await sleep(1500);
      assert.equal(messages(log).filter((m) => m.startsWith('cannot')).length, 1);
      assert.match(String(log.lines().find((l) => l.msg.startsWith('cannot'))!['err']), /ENOENT/);
      assert.deepEqual(renewed, []);
    }));
});

describe('EncryptedListeners with a renewed certificate', () => {
  it('presents it to new connections without a reload', async () => {
    const f = files();
    const l = new EncryptedListeners(memoryLog('info').log, POLL_MS);
    await l.start(f.cfg, ['127.0.0.1'], () => null, TCP_DEFAULTS);
    const port = l.endpoints[0]!.port;
    const fingerprint = async () => {
      const c = await dotConnect(port, null);
      c.close();
      return c.cert.fingerprint256;
    };
    try {
      assert.equal(await fingerprint(), new X509Certificate(SIGNED.cert).fingerprint256);
      f.write('cert', RENEWED.cert);
      f.write('key', RENEWED.key);
      const renewed = new X509Certificate(RENEWED.cert).fingerprint256;
      let seen = '';
      for (let i = 0; i < 100 && seen !== renewed; i++) {
        seen = await fingerprint();
        if (seen !== renewed) await sleep(POLL_MS);
      }
      assert.equal(seen, renewed);
    } finally {
      await Promise.all([...l.close(), Promise.resolve(l.destroyConnections())]);
      rmSync(f.dir, { recursive: true, force: true });
    }
  });
});
