/**
 * conf/fandns.conf, the documented default: it loads without warnings, documents every row of
 * the directive table, and each commented example line is itself a valid config line.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DIRECTIVES } from '../../../src/config/directives.js';
import { loadConfig, parseConfigText } from '../../../src/config/load.js';

const FILE = fileURLToPath(new URL('../../../../conf/fandns.conf', import.meta.url));
const TEXT = readFileSync(FILE, 'utf8');

/** Commented example lines (`#name[=value]   note`), without the `#` and the note. */
const EXAMPLES = TEXT.split('\n')
  .map((l) => /^#([a-z][a-z0-9-]*(?:=\S*)?)(?:\s{2,}.*)?$/.exec(l)?.[1])
  .filter((l): l is string => l !== undefined);

describe('conf/fandns.conf', () => {
  it('loads without warnings', () => {
    const c = loadConfig({ file: FILE });
    assert.deepEqual(c.warnings, []);
    assert.deepEqual(c.files, [FILE]);
  });

  it('documents every directive', () => {
    const missing = DIRECTIVES.filter((d) => !new RegExp(`^#?${d.name}(=|\\s|$)`, 'm').test(TEXT)).map((d) => d.name);
    assert.deepEqual(missing, []);
  });

  // Examples that read files are skipped: their paths do not exist on a test machine.
  // The encrypted listeners' four lines need each other: they are parsed together.
  const TOGETHER = /^(tls-port|https-port|tls-cert-file|tls-key-file)=/;
  // A server named by host name needs the bootstrap-server= example beside it.
  const BOOTSTRAP = EXAMPLES.find((l) => l.startsWith('bootstrap-server='));
  it('has a bootstrap-server= example', () => assert.ok(BOOTSTRAP));
  // The other dnstap options need the dnstap-file= example beside them.
  const DNSTAP = EXAMPLES.find((l) => l.startsWith('dnstap-file='));
  it('has a dnstap-file= example', () => assert.ok(DNSTAP));
  for (const line of EXAMPLES.filter((l) => !/^(conf-file|conf-dir|servers-file|tls-ca-file)=/.test(l) && !TOGETHER.test(l))) {
    it(`example "${line}" parses`, () => {
      const text = /^server=(tls|https):\/\/[a-z]/.test(line) ? `${line}\n${BOOTSTRAP}` : /^dnstap-(messages|identity|version)=/.test(line) ? `${line}\n${DNSTAP}` : line;
      assert.deepEqual(parseConfigText(text, 'example.conf').warnings, []);
    });
  }

  it('the tls-port, https-port, tls-cert-file and tls-key-file examples parse together', () => {
    const lines = EXAMPLES.filter((l) => TOGETHER.test(l));
    assert.equal(lines.length, 4);
    const c = parseConfigText(lines.join('\n'), 'example.conf');
    assert.deepEqual([c.warnings, c.listen.encrypted?.tlsPort, c.listen.encrypted?.httpsPort], [[], 853, 443]);
  });
});
