/**
 * user=, group=, workers= and pid-file=: defaults, names and IDs accepted, bad values refused with
 * file:line, dnsmasq's short letters on the command line, and the conflict between workers and a
 * fixed source port.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseCli } from '../../../src/config/cli-args.js';
import { loadConfig, parseConfigText } from '../../../src/config/load.js';
import { assertConfigError } from '../../helpers/config.js';

const parse = (text: string) => parseConfigText(text, 'proc.conf');

describe('user=, group=, workers=', () => {
  it('default to nobody, the user\'s own group and one process', () => {
    assert.deepEqual(parse('').process, { user: 'nobody', group: null, workers: 1, pidFile: null });
  });

  it('take names, numeric IDs and a worker count; workers=0 means one process', () => {
    assert.deepEqual(parse('user=dnsmasq\ngroup=dip\nworkers=4').process, { user: 'dnsmasq', group: 'dip', workers: 4, pidFile: null });
    assert.deepEqual(parse('user=65534\ngroup="65534"\nworkers=0').process, { user: '65534', group: '65534', workers: 1, pidFile: null });
    assert.equal(parse('user=svc-fandns.1$').process.user, 'svc-fandns.1$');
  });

  it('refuse values that are no account name or count, naming the line', () => {
    assertConfigError(() => parse('no-resolv\nuser=bad name'), 'FANDNS_CONFIG_VALUE', 'proc.conf:2', /user needs a user or group name/);
    assertConfigError(() => parse('no-resolv\ngroup=a:b'), 'FANDNS_CONFIG_VALUE', 'proc.conf:2', /group needs/);
    assertConfigError(() => parse('no-resolv\nworkers=-1'), 'FANDNS_CONFIG_VALUE', 'proc.conf:2', /workers needs a whole number/);
    assertConfigError(() => parse('no-resolv\nworkers=257'), 'FANDNS_CONFIG_VALUE', 'proc.conf:2', /out of range/);
    assertConfigError(() => parse('user=a\nuser=b'), 'FANDNS_CONFIG_REPEATED', 'proc.conf:2', /user given twice/);
  });

  it('are implemented, so they no longer warn as unimplemented dnsmasq options', () => {
    assert.deepEqual(parse('user=nobody\ngroup=nogroup').warnings, []);
  });

  it('have dnsmasq\'s short letters on the command line (-u, -g)', () => {
    const req = parseCli(['-u', 'fandns', '-g', 'fandns', '--workers=2', '--no-resolv']);
    const c = loadConfig({ cliLines: req.lines, file: null });
    assert.deepEqual(c.process, { user: 'fandns', group: 'fandns', workers: 2, pidFile: null });
  });

  it('refuse workers > 1 with a fixed source port, which the workers cannot share', () => {
    assertConfigError(() => parse('workers=2\nserver=127.0.0.1@127.0.0.1#40000'), 'FANDNS_CONFIG_CONFLICT', 'proc.conf:2', /fixed source port cannot be shared by workers=2/);
    assert.equal(parse('workers=2\nserver=127.0.0.1@127.0.0.1').process.workers, 2);
    assert.equal(parse('workers=1\nserver=127.0.0.1@127.0.0.1#40000').process.workers, 1);
  });
});

describe('pid-file=', () => {
  it('takes a path; with none (bare or empty) there is no pid file, as with dnsmasq\'s pid-file=', () => {
    assert.equal(parse('pid-file=/run/fandns.pid').process.pidFile, '/run/fandns.pid');
    assert.equal(parse('pid-file="/run/my dns.pid"').process.pidFile, '/run/my dns.pid');
    assert.equal(parse('pid-file=').process.pidFile, null);
    assert.equal(parse('pid-file').process.pidFile, null);
    assert.deepEqual(parse('pid-file=/run/x.pid').warnings, []);
  });

  it('is -x on the command line', () => {
    const req = parseCli(['-x', '/tmp/cli.pid', '--no-resolv']);
    assert.equal(loadConfig({ cliLines: req.lines, file: null }).process.pidFile, '/tmp/cli.pid');
  });
});
