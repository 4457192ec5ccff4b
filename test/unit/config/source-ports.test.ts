/**
 * query-port=, min-port=, max-port=: defaults, dnsmasq's completion of a range given by one end,
 * and the errors (a range that ends below its start, a fixed query-port shared by workers), each
 * naming file:line.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseCli } from '../../../src/config/cli-args.js';
import { loadConfig, parseConfigText } from '../../../src/config/load.js';
import { assertConfigError } from '../../helpers/config.js';

const forward = (text: string) => parseConfigText(`no-resolv\n${text}`, 'ports.conf').forward;

describe('query-port, min-port, max-port', () => {
  it('default to a pool of OS-chosen ports', () => {
    const f = forward('');
    assert.equal(f.queryPort, null);
    assert.equal(f.portRange, null);
  });

  it('take a fixed port, 0 for one OS-chosen port, and a range', () => {
    assert.equal(forward('query-port=5353').queryPort, 5353);
    assert.equal(forward('query-port=0').queryPort, 0);
    assert.deepEqual(forward('min-port=40000\nmax-port=40999').portRange, { min: 40000, max: 40999 });
  });

  it('complete a range given by one end as dnsmasq does (1024 and 65535; 0 is unset)', () => {
    assert.deepEqual(forward('min-port=50000').portRange, { min: 50000, max: 65535 });
    assert.deepEqual(forward('max-port=2000').portRange, { min: 1024, max: 2000 });
    assert.equal(forward('min-port=0\nmax-port=0').portRange, null);
  });

  it('refuse bad values and a range that ends below its start, naming the line', () => {
    assertConfigError(() => forward('query-port=70000'), 'FANDNS_CONFIG_VALUE', 'ports.conf:2');
    assertConfigError(() => forward('min-port=x'), 'FANDNS_CONFIG_VALUE', 'ports.conf:2');
    assertConfigError(() => forward('min-port=3000\nmax-port=2000'), 'FANDNS_CONFIG_CONFLICT', 'ports.conf:3', /max-port=2000 is below min-port=3000/);
  });

  it('refuse a fixed query-port with workers, but not query-port=0', () => {
    assertConfigError(() => forward('query-port=5353\nworkers=2'), 'FANDNS_CONFIG_CONFLICT', 'ports.conf:2', /query-port=5353 cannot be shared by workers=2/);
    assert.equal(forward('query-port=0\nworkers=2').queryPort, 0);
  });

  it('take dnsmasq\'s short -Q on the command line', () => {
    const req = parseCli(['-Q', '6000', '--no-resolv']);
    assert.equal(loadConfig({ cliLines: req.lines, file: null }).forward.queryPort, 6000);
  });
});
