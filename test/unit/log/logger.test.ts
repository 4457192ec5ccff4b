/**
 * reopenLogger (SIGUSR2): a file that cannot be opened again (its directory gone or, after a
 * privilege drop, not writable) leaves the logger writing to the old file instead of throwing
 * out of the signal handler and ending the process.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, opsLevel, reopenLogger } from '../../../src/log/logger.js';

describe('reopenLogger', () => {
  it('reopens a moved file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fandns-logger-'));
    try {
      const file = join(dir, 'ops.log');
      const log = createLogger('info', { kind: 'file', path: file });
      log.info('before');
      renameSync(file, `${file}.1`);
      reopenLogger(log);
      log.info('after');
      assert.match(readFileSync(`${file}.1`, 'utf8'), /"before"/);
      assert.match(readFileSync(file, 'utf8'), /"after"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the old file when the new one cannot be opened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fandns-logger-'));
    const moved = `${dir}.moved`;
    try {
      const log = createLogger('info', { kind: 'file', path: join(dir, 'ops.log') });
      renameSync(dir, moved);
      assert.doesNotThrow(() => reopenLogger(log));
      log.info('still here');
      const text = readFileSync(join(moved, 'ops.log'), 'utf8');
      assert.match(text, /cannot reopen the log file; still writing to the old one/);
      assert.match(text, /"still here"/);
    } finally {
      rmSync(moved, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('opsLevel', () => {
  it('is info, debug with log-debug, and FANDNS_LOG_LEVEL when that is set', () => {
    assert.equal(opsLevel({ debug: false }, {}), 'info');
    assert.equal(opsLevel({ debug: true }, {}), 'debug');
    assert.equal(opsLevel({ debug: true }, { FANDNS_LOG_LEVEL: 'warn' }), 'warn');
    assert.equal(opsLevel({ debug: false }, { FANDNS_LOG_LEVEL: 'trace' }), 'trace');
  });
});
