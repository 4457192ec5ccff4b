/**
 * readTlsCredentials: the certificate and key of the encrypted listeners are read and checked
 * (PEM, parseable, a matching pair); every failure is a ConfigError at the line of the file at fault.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EncryptedListenConfig } from '../../../src/config/types.js';
import { readTlsCredentials } from '../../../src/listen/tls-credentials.js';
import { assertConfigError } from '../../helpers/config.js';
import { withTempDir } from '../../helpers/temp-dir.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../../test/fixtures/tls/${name}`, import.meta.url));

/** A configuration naming `cert` (line 3) and `key` (line 4). */
const cfg = (cert: string, key: string): EncryptedListenConfig => ({
  tlsPort: 853,
  httpsPort: null,
  certFile: { path: cert, origin: { file: 'f.conf', line: 3 } },
  keyFile: { path: key, origin: { file: 'f.conf', line: 4 } },
});

describe('readTlsCredentials', () => {
  it('reads a matching pair as PEM text', () => {
    const c = readTlsCredentials(cfg(fixture('server.pem'), fixture('server.key')));
    assert.equal(c.cert, readFileSync(fixture('server.pem'), 'latin1'));
    assert.match(c.key, /PRIVATE KEY/);
  });

  it('names the line of a file that cannot be read', () => {
    assertConfigError(() => readTlsCredentials(cfg('/nonexistent/c.pem', fixture('server.key'))), 'FANDNS_CONFIG_VALUE', 'f.conf:3', /cannot read tls-cert-file "\/nonexistent\/c.pem": ENOENT/);
    assertConfigError(() => readTlsCredentials(cfg(fixture('server.pem'), '/nonexistent/k')), 'FANDNS_CONFIG_VALUE', 'f.conf:4', /cannot read tls-key-file .*ENOENT/);
  });

  it('names the file that holds no PEM block, or one that does not parse', () => withTempDir('creds', (dir) => {
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'hello\n');
    assertConfigError(() => readTlsCredentials(cfg(junk, fixture('server.key'))), 'FANDNS_CONFIG_VALUE', 'f.conf:3', /holds no PEM certificate/);
    assertConfigError(() => readTlsCredentials(cfg(fixture('server.pem'), junk)), 'FANDNS_CONFIG_VALUE', 'f.conf:4', /holds no PEM private key/);
    const badCert = join(dir, 'bad-cert.pem');
    writeFileSync(badCert, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    assertConfigError(() => readTlsCredentials(cfg(badCert, fixture('server.key'))), 'FANDNS_CONFIG_VALUE', 'f.conf:3', /tls-cert-file ".*bad-cert.pem" does not parse/);
    const badKey = join(dir, 'bad.key');
    writeFileSync(badKey, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    assertConfigError(() => readTlsCredentials(cfg(fixture('server.pem'), badKey)), 'FANDNS_CONFIG_VALUE', 'f.conf:4', /tls-key-file ".*bad.key" does not parse/);
  }));

  it('refuses a key that is not the certificate\'s, at the key\'s line', () => {
    assertConfigError(() => readTlsCredentials(cfg(fixture('server.pem'), fixture('self-signed.key'))), 'FANDNS_CONFIG_VALUE', 'f.conf:4',
      /tls-key-file ".*self-signed.key" is not the key of tls-cert-file ".*server.pem"/);
  });
});
