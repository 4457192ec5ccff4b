/**
 * reload-keeps-cache and cache-file= (fandns options): defaults, values, and errors naming
 * file:line.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';

describe('reload-keeps-cache, cache-file', () => {
  it('are off by default', () => {
    const c = parseConfigText('no-resolv', 'a.conf').cache;
    assert.equal(c.reloadKeepsCache, false);
    assert.equal(c.file, null);
  });

  it('read a flag and an absolute path', () => {
    const c = parseConfigText('reload-keeps-cache\ncache-file=/var/cache/fandns/cache', 'a.conf').cache;
    assert.equal(c.reloadKeepsCache, true);
    assert.equal(c.file, '/var/cache/fandns/cache');
  });

  it('refuse a value for the flag, a relative or missing path, and a second cache-file, naming file:line', () => {
    assert.throws(() => parseConfigText('no-resolv\nreload-keeps-cache=yes', 'a.conf'), /a\.conf:2: reload-keeps-cache takes no value/);
    assert.throws(() => parseConfigText('cache-file=cache.bin', 'a.conf'), /a\.conf:1: cache-file needs an absolute path, got "cache\.bin"/);
    assert.throws(() => parseConfigText('cache-file=', 'a.conf'), /a\.conf:1: cache-file needs a value/);
    assert.throws(() => parseConfigText('cache-file=/a\ncache-file=/b', 'a.conf'), /a\.conf:2/);
  });
});
