/**
 * The encrypted listeners' options: `tls-port=`, `https-port=`, `tls-cert-file=`, `tls-key-file=`.
 * A port needs both files; the ports may not clash with each other or with plain DNS's; files
 * without a port are a warning; paths must be absolute. Errors name file:line.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { assertConfigError } from '../../helpers/config.js';

const FILES = 'tls-cert-file=/etc/fandns/cert.pem\ntls-key-file=/etc/fandns/key.pem\n';
const parse = (text: string) => parseConfigText(`no-resolv\n${text}`, 't.conf');

describe('tls-port and https-port', () => {
  it('are off unless given', () => {
    assert.equal(parse('').listen.encrypted, null);
  });

  it('take the ports and the two files', () => {
    const c = parse(`port=53\ntls-port=853\nhttps-port=443\n${FILES}`);
    assert.deepEqual(c.listen.encrypted, {
      tlsPort: 853,
      httpsPort: 443,
      certFile: { path: '/etc/fandns/cert.pem', origin: { file: 't.conf', line: 5 } },
      keyFile: { path: '/etc/fandns/key.pem', origin: { file: 't.conf', line: 6 } },
    });
    assert.deepEqual(c.warnings, []);
  });

  it('each alone, and port 0 (a free port) for both', () => {
    assert.deepEqual([parse(`tls-port=853\n${FILES}`).listen.encrypted?.tlsPort, parse(`tls-port=853\n${FILES}`).listen.encrypted?.httpsPort], [853, null]);
    assert.equal(parse(`https-port=8443\n${FILES}`).listen.encrypted?.tlsPort, null);
    const zero = parse(`port=0\ntls-port=0\nhttps-port=0\n${FILES}`).listen.encrypted;
    assert.deepEqual([zero?.tlsPort, zero?.httpsPort], [0, 0]);
  });

  it('need both files, named at the port line', () => {
    assertConfigError(() => parse('tls-port=853'), 'FANDNS_CONFIG_CONFLICT', 't.conf:2', /tls-port needs tls-cert-file and tls-key-file/);
    assertConfigError(() => parse('https-port=443\ntls-cert-file=/c.pem'), 'FANDNS_CONFIG_CONFLICT', 't.conf:2', /https-port needs/);
  });

  it('may not be plain DNS port, nor each other', () => {
    assertConfigError(() => parse(`port=853\ntls-port=853\n${FILES}`), 'FANDNS_CONFIG_CONFLICT', 't.conf:3', /tls-port=853 is the port plain DNS answers on/);
    assertConfigError(() => parse(`tls-port=853\nhttps-port=853\n${FILES}`), 'FANDNS_CONFIG_CONFLICT', 't.conf:3', /https-port=853 is tls-port's too \(t\.conf:2\)/);
  });

  it('files without a port are a warning, not an error', () => {
    const c = parse(FILES);
    assert.equal(c.listen.encrypted, null);
    assert.deepEqual(c.warnings, ['t.conf:2: tls-cert-file and tls-key-file are used only with tls-port or https-port']);
  });

  it('reject relative paths, bad ports, and a second line', () => {
    assertConfigError(() => parse('tls-cert-file=cert.pem'), 'FANDNS_CONFIG_VALUE', 't.conf:2', /tls-cert-file needs an absolute path, got "cert.pem"/);
    assertConfigError(() => parse('tls-key-file=./k'), 'FANDNS_CONFIG_VALUE', 't.conf:2', /tls-key-file needs an absolute path/);
    assertConfigError(() => parse('tls-port=70000'), 'FANDNS_CONFIG_VALUE', 't.conf:2', /tls-port/);
    assertConfigError(() => parse('https-port=x'), 'FANDNS_CONFIG_VALUE', 't.conf:2', /https-port/);
    assertConfigError(() => parse('tls-port=853\ntls-port=854'), 'FANDNS_CONFIG_REPEATED', 't.conf:3');
  });
});
