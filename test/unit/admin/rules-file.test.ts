/**
 * admin-rules-file: the rules written are the rules read back; a missing file is no rule (info);
 * a damaged one, another kind or version, or a rule a PUT would refuse is a warning naming the
 * file and no rule; a write that fails is a warning, never a throw, and leaves no temporary file.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRulesFile, writeRulesFile } from '../../../src/admin/rules-file.js';
import type { RuleView } from '../../../src/admin/runtime-rules.js';
import { memoryLog } from '../../helpers/memory-log.js';
import { withTempDir } from '../../helpers/temp-dir.js';

const RULES: RuleView[] = [
  { domain: 'service.consul', servers: ['10.0.0.5#8600', '10.0.0.6#8600'], by: '127.0.0.1', at: '2026-11-22T10:00:00.000Z' },
  { domain: 'lan', servers: ['192.168.1.1'], by: '::1', at: '2026-11-22T10:01:00.000Z' },
];

const inDir = (body: (dir: string) => void) => withTempDir('rules', body);

describe('admin-rules-file', () => {
  it('reads back what it wrote, and writes by rename (no temporary file left)', async () => {
    await inDir((dir) => {
      const file = join(dir, 'rules.json');
      const mem = memoryLog('info');
      writeRulesFile(file, RULES, mem.log);
      assert.deepEqual(readdirSync(dir), ['rules.json']);
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { fandns: 'admin-rules', version: 1, rules: RULES });
      assert.deepEqual(readRulesFile(file, mem.log), RULES);
      assert.ok(mem.lines().some((l) => l.msg === 'runtime rules read from admin-rules-file' && l['rules'] === 2));
    });
  });

  it('takes no rule from a missing file (info) or a bad one (a warning naming it)', async () => {
    await inDir((dir) => {
      const file = join(dir, 'rules.json');
      const missing = memoryLog('info');
      assert.deepEqual(readRulesFile(file, missing.log), []);
      assert.ok(missing.lines().some((l) => l.msg === 'no admin-rules-file yet: no runtime rules' && l['level'] === 30));
      const cases: [string, string][] = [
        ['not JSON', '{"fandns":'],
        ['another kind', JSON.stringify({ fandns: 'other', version: 1, rules: [] })],
        ['another version', JSON.stringify({ fandns: 'admin-rules', version: 2, rules: [] })],
        ['not a rule', JSON.stringify({ fandns: 'admin-rules', version: 1, rules: [RULES[0], { domain: 'x' }] })],
        ['a server a PUT refuses', JSON.stringify({ fandns: 'admin-rules', version: 1, rules: [{ ...RULES[0], servers: ['not an address'] }] })],
      ];
      for (const [name, text] of cases) {
        writeFileSync(file, text);
        const mem = memoryLog('info');
        assert.deepEqual(readRulesFile(file, mem.log), [], name);
        const w = mem.lines().find((l) => l.msg === 'admin-rules-file is damaged: no runtime rules taken from it');
        assert.equal(w?.['file'], file, name);
      }
    });
  });

  it('warns, and throws nothing, when it cannot write', async () => {
    await inDir((dir) => {
      const file = join(dir, 'no-such-dir', 'rules.json');
      const mem = memoryLog('info');
      writeRulesFile(file, RULES, mem.log);
      assert.ok(mem.lines().some((l) => l.msg === 'cannot write admin-rules-file: the change is in force but will not survive a restart' && l['file'] === file));
      assert.equal(existsSync(join(dir, 'no-such-dir')), false);
    });
  });
});
