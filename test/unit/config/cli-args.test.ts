/**
 * The command line (src/config/cli-args.ts): long options, dnsmasq's short letters and digit
 * shorts, --test, bad input as ConfigError, and how command-line values combine with files
 * (single values: the command line wins; lists: command line first, then files).
 */
import { after, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseCli } from '../../../src/config/cli-args.js';
import { loadConfig } from '../../../src/config/load.js';
import type { ErrorCode } from '../../../src/errors.js';
import { assertConfigError, describeRule, TempTree } from '../../helpers/config.js';

/** The option lines of a command line as `[name, value]` pairs. */
const linesOf = (argv: string[]) => parseCli(argv).lines.map((l) => [l.name, l.value]);

describe('parseCli', () => {
  const rows: [string[], (string | null)[][]][] = [
    [['--server=127.0.0.1#5353'], [['server', '127.0.0.1#5353']]],
    [['--server', '/consul/127.0.0.1#8600'], [['server', '/consul/127.0.0.1#8600']]],
    [['-S', '127.0.0.1', '-S', '/d.test/127.0.0.2'], [['server', '127.0.0.1'], ['server', '/d.test/127.0.0.2']]],
    [['-A', '/x.test/192.0.2.1'], [['address', '/x.test/192.0.2.1']]],
    [['-p', '5353'], [['port', '5353']]],
    [['-p5353'], [['port', '5353']]],
    [['-a', '127.0.0.1'], [['listen-address', '127.0.0.1']]],
    [['-a127.0.0.1'], [['listen-address', '127.0.0.1']]],
    [['-S127.0.0.1#5353'], [['server', '127.0.0.1#5353']]],
    [['-S/d.test/127.0.0.2'], [['server', '/d.test/127.0.0.2']]],
    [['-A/x.test/192.0.2.1'], [['address', '/x.test/192.0.2.1']]],
    [['-r/run/r.conf'], [['resolv-file', '/run/r.conf']]],
    [['-R'], [['no-resolv', null]]],
    [['-o'], [['strict-order', null]]],
    [['-Ro'], [['no-resolv', null], ['strict-order', null]]],
    [['--all-servers'], [['all-servers', null]]],
    [['--no-resolv', '--no-resolv'], [['no-resolv', null]]],
    [['-7', '/etc/fandns.d,.bak'], [['conf-dir', '/etc/fandns.d,.bak']]],
    [['-7/etc/fandns.d'], [['conf-dir', '/etc/fandns.d']]],
    [['-0', '100'], [['dns-forward-max', '100']]],
    [['-0100'], [['dns-forward-max', '100']]],
    [['--resolv-file='], [['resolv-file', null]]],
    [['--resolv-file', '/run/r.conf'], [['resolv-file', '/run/r.conf']]],
    [['-k', '-d'], [['keep-in-foreground', null], ['no-daemon', null]]],
  ];
  for (const [argv, lines] of rows) {
    it(argv.join(' '), () => assert.deepEqual(linesOf(argv), lines));
  }

  it('gives every line the command-line origin', () => {
    assert.deepEqual(parseCli(['-p', '53']).lines[0]!.origin, { file: 'command line', line: 0 });
  });

  it('takes the first -C as the main file and reads later ones as includes', () => {
    const r = parseCli(['-C', '/a.conf', '--conf-file=/b.conf', '-C', '/c.conf']);
    assert.equal(r.file, '/a.conf');
    assert.equal(parseCli(['-C/glued.conf']).file, '/glued.conf');
    assert.deepEqual(r.lines.map((l) => [l.name, l.value]), [['conf-file', '/b.conf'], ['conf-file', '/c.conf']]);
    assert.equal(parseCli([]).file, null);
  });

  it('reads --test, --help and --version', () => {
    assert.equal(parseCli(['--test']).test, true);
    assert.equal(parseCli([]).test, false);
    assert.equal(parseCli(['--help']).help, true);
    assert.equal(parseCli(['-w']).help, true);
    assert.equal(parseCli(['-v']).version, true);
  });

  const errors: [string[], ErrorCode, RegExp][] = [
    [['--frobnicate'], 'FANDNS_CONFIG_SYNTAX', /bad command line options: .*frobnicate.*; try --help/],
    [['-Z'], 'FANDNS_CONFIG_SYNTAX', /bad command line options/],
    [['stray'], 'FANDNS_CONFIG_SYNTAX', /bad command line options/],
    [['--no-resolv', 'yes'], 'FANDNS_CONFIG_SYNTAX', /bad command line options/],
    [['--no-resolv=yes'], 'FANDNS_CONFIG_SYNTAX', /--no-resolv takes no value/],
    [['--bogus-priv=1'], 'FANDNS_CONFIG_SYNTAX', /--bogus-priv takes no value/],
    [['--test=no'], 'FANDNS_CONFIG_SYNTAX', /--test takes no value/],
    [['-p', '53', '-p', '54'], 'FANDNS_CONFIG_REPEATED', /--port given more than once/],
    [['--dns-forward-max=1', '-0', '2'], 'FANDNS_CONFIG_REPEATED', /--dns-forward-max given more than once/],
  ];
  for (const [argv, code, message] of errors) {
    it(`rejects ${argv.join(' ')}`, () => {
      assertConfigError(() => parseCli(argv), code, 'command line', message);
    });
  }
});

describe('command line and files together', () => {
  const tree = new TempTree();
  after(() => tree.remove());

  /** Loads `fileText` as the main file with `argv` as the command line. */
  const load = (argv: string[], fileText: string) => {
    const file = tree.write(`main-${Math.random().toString(36).slice(2)}.conf`, fileText);
    return { config: loadConfig({ cliLines: parseCli(argv).lines, file }), file };
  };

  it('lets a command-line single value win over the file', () => {
    const { config } = load(['-p', '5353', '--dns-forward-max=10'], 'port=53\ndns-forward-max=20\nno-resolv\n');
    assert.equal(config.listen.port, 5353);
    assert.equal(config.forward.forwardMax, 10);
  });

  it('still rejects a single value repeated in files when the command line gave it too', () => {
    const file = tree.write('twice.conf', 'no-resolv\nport=53\nport=54\n');
    assertConfigError(
      () => loadConfig({ cliLines: parseCli(['-p', '5353']).lines, file }),
      'FANDNS_CONFIG_REPEATED',
      `${file}:3`,
      /port given twice \(first at .*twice\.conf:2\)/,
    );
  });

  it('still checks a file value the command line overrides', () => {
    const file = tree.write('badport.conf', 'port=banana\n');
    assertConfigError(() => loadConfig({ cliLines: parseCli(['-p', '5353']).lines, file }), 'FANDNS_CONFIG_VALUE', `${file}:1`);
  });

  it('applies list values from both, command line first', () => {
    const { config } = load(
      ['-S', '127.0.0.1', '--server=/cli.test/127.0.0.2', '-a', '127.0.0.3', '--resolv-file=/run/cli.conf'],
      'server=/file.test/127.0.0.4\nserver=127.0.0.5\nlisten-address=127.0.0.6\nresolv-file=/run/file.conf\n',
    );
    assert.deepEqual(config.rules.map(describeRule), [
      'default: fwd 127.0.0.1#53',
      'suffix:cli.test fwd 127.0.0.2#53',
      'suffix:file.test fwd 127.0.0.4#53',
      'default: fwd 127.0.0.5#53',
    ]);
    assert.deepEqual(config.listen.addresses, ['127.0.0.3', '127.0.0.6']);
    assert.deepEqual(config.forward.resolvFiles, ['/run/cli.conf', '/run/file.conf']);
  });

  it('combines flags from both', () => {
    const { config } = load(['-R'], 'strict-order\n');
    assert.equal(config.forward.noResolv, true);
    assert.equal(config.forward.policy, 'strict-order');
  });

  it('reads extra -C files before the main file', () => {
    const extra = tree.write('extra.conf', 'server=/extra.test/127.0.0.7\n');
    const main = tree.write('main.conf', 'server=/main.test/127.0.0.8\n');
    const req = parseCli(['-C', main, '-C', extra]);
    const config = loadConfig({ cliLines: req.lines, file: req.file });
    assert.deepEqual(config.rules.map(describeRule), ['suffix:extra.test fwd 127.0.0.7#53', 'suffix:main.test fwd 127.0.0.8#53']);
    assert.deepEqual(config.files, [extra, main]);
  });

  it('reports a bad command-line value with the command-line origin', () => {
    assertConfigError(() => loadConfig({ cliLines: parseCli(['-p', 'x']).lines }), 'FANDNS_CONFIG_VALUE', 'command line', /port/);
    assertConfigError(() => loadConfig({ cliLines: parseCli(['--server']).lines }), 'FANDNS_CONFIG_SYNTAX', 'command line', /needs a value/);
  });
});
