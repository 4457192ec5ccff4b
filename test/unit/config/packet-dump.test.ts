import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { assertConfigError } from '../../helpers/config.js';

describe('dumpfile= and dumpmask=', () => {
  it('are off by default', () => {
    assert.equal(parseConfigText('').log.dump, null);
  });

  it('dump the four DNS kinds when no mask is given (dnsmasq: none)', () => {
    assert.deepEqual(parseConfigText('\ndumpfile=/var/tmp/dns.pcap').log.dump, { path: '/var/tmp/dns.pcap', origin: { file: 'inline.conf', line: 2 }, mask: 0xf });
  });

  it('read the mask in hex or decimal, up to 32 bits', () => {
    for (const [text, mask] of [['0x0004', 4], ['0XfF', 255], ['12', 12], ['0xffffffff', 0xffffffff], ['0', 0]] as const) {
      assert.equal(parseConfigText(`dumpfile=/x.pcap\ndumpmask=${text}`).log.dump?.mask, mask, text);
    }
  });

  it('refuse a mask that is not a number, naming the line (dnsmasq takes "zz" as 0)', () => {
    for (const bad of ['zz', '0x', '-1', '0x100000000', '4294967296', '1.5']) {
      assertConfigError(() => parseConfigText(`dumpfile=/x.pcap\ndumpmask=${bad}`), 'FANDNS_CONFIG_VALUE', 'inline.conf:2', /is not a mask/);
    }
    assertConfigError(() => parseConfigText('dumpfile=""'), 'FANDNS_CONFIG_VALUE', 'inline.conf:1', /needs a path/);
  });

  it('do nothing with a mask alone, as in dnsmasq', () => {
    const c = parseConfigText('dumpmask=0x3');
    assert.equal(c.log.dump, null);
    assert.deepEqual(c.warnings, []);
  });
});
