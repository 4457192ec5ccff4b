/**
 * What a reload changed, as the operator wrote it: the option lines the new configuration has and
 * the old one has not (`added`), and the reverse (`removed`), compared as multisets of
 * `name=value` text, so moving a line or a file around is no change, and a servers-file that
 * consul-template rewrote shows as the server= lines it added and removed.
 */
import type { Config } from './types.js';

/** The option lines one configuration has and the other has not. */
export interface ConfigChanges {
  /** Lines of the new configuration the old one lacked, in the new one's order. */
  readonly added: readonly string[];
  /** Lines of the old configuration the new one lacks, in the old one's order. */
  readonly removed: readonly string[];
}

const NONE: ConfigChanges = { added: [], removed: [] };

/** The lines of `text` (Config.optionText), none for an empty text. */
const linesOf = (text: string): string[] => (text === '' ? [] : text.split('\n'));

/** What changed from `before` to `after`; a line given twice and then once is one removed. */
export function configChanges(before: Config, after: Config): ConfigChanges {
  if (before.optionText === after.optionText) return NONE;
  const old = linesOf(before.optionText);
  const now = linesOf(after.optionText);
  const left = new Map<string, number>();
  for (const l of old) left.set(l, (left.get(l) ?? 0) + 1);
  const added: string[] = [];
  for (const l of now) {
    const n = left.get(l) ?? 0;
    if (n > 0) left.set(l, n - 1);
    else added.push(l);
  }
  const removed: string[] = [];
  for (const l of old) {
    const n = left.get(l) ?? 0;
    if (n === 0) continue;
    left.set(l, n - 1);
    removed.push(l);
  }
  return { added, removed };
}

/**
 * The changes as a log record's fields: at most `most` lines of each kind, and how many more
 * there were (a block list of 10^5 lines replaced must not become a 10 MB log line).
 */
export function changesForLog(c: ConfigChanges, most = 50): Record<string, unknown> {
  const out: Record<string, unknown> = { added: c.added.slice(0, most), removed: c.removed.slice(0, most) };
  const more = Math.max(0, c.added.length - most) + Math.max(0, c.removed.length - most);
  if (more > 0) out['notListed'] = more;
  return out;
}
