/**
 * admin-rules-file=PATH: the runtime rules kept across restarts. Written after each change
 * (util/atomic-write.ts: never half a file under the name), read at start and laid over the configuration before the first query. The format is
 * JSON: `{"fandns":"admin-rules","version":1,"rules":[…]}`, the rules as GET /rules lists them.
 * A missing file is no rule (info); a file that is not that, or holds a bad rule, is a warning
 * naming it, and no rule is taken from it.
 */
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import type { Logger } from '../log/logger.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { RuntimeRules, type RuleView } from './runtime-rules.js';

const KIND = 'admin-rules';
const VERSION = 1;

const isView = (v: unknown): v is RuleView => {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r['domain'] === 'string' && Array.isArray(r['servers']) && r['servers'].every((s) => typeof s === 'string')
    && typeof r['by'] === 'string' && typeof r['at'] === 'string';
};

/** The rules kept in `path`, checked (each server parsed as a PUT's would be); [] when there is none or it is bad (logged). */
export function readRulesFile(path: string, log: Logger): RuleView[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') log.info({ file: path }, 'no admin-rules-file yet: no runtime rules');
    else log.warn({ file: path, err: e.message }, 'cannot read admin-rules-file: no runtime rules');
    return [];
  }
  try {
    const doc = JSON.parse(text) as Record<string, unknown>;
    if (doc?.['fandns'] !== KIND || doc['version'] !== VERSION || !Array.isArray(doc['rules'])) throw new Error(`not an admin-rules file of version ${VERSION}`);
    const rules = doc['rules'] as unknown[];
    const bad = rules.findIndex((r) => !isView(r));
    if (bad >= 0) throw new Error(`rule ${bad + 1} is not a rule`);
    new RuntimeRules().replaceAll(rules as RuleView[]); // throws on a server a PUT would refuse
    log.info({ file: path, rules: rules.length }, 'runtime rules read from admin-rules-file');
    return rules as RuleView[];
  } catch (err) {
    log.warn({ file: path, err: (err as Error).message }, 'admin-rules-file is damaged: no runtime rules taken from it');
    return [];
  }
}

/** What answerRules calls after each change: writes the rules in force to `path` (null: no file, nothing to do). */
export function keepRulesIn(path: string | null, rules: RuntimeRules, log: Logger): () => void {
  return path === null ? () => {} : () => writeRulesFile(path, rules.list(), log);
}

/** Writes `rules` to `path` (see the file comment); logs a failure, never throws: the change stays in force. */
export function writeRulesFile(path: string, rules: readonly RuleView[], log: Logger): void {
  try {
    writeFileAtomic(path, [Buffer.from(`${JSON.stringify({ fandns: KIND, version: VERSION, rules }, null, 1)}\n`)]);
  } catch (err) {
    log.warn({ file: path, err: (err as Error).message }, 'cannot write admin-rules-file: the change is in force but will not survive a restart');
  }
}
