/**
 * Hit copy and patch: src/cache/entry-render.ts renderEntry on an entry built by
 * src/cache/entry-build.ts buildEntry from a 4×A + OPT answer.
 */
import { buildEntry } from '../../src/cache/entry-build.js';
import { renderEntry, type RenderOptions } from '../../src/cache/entry-render.js';
import { scanMessage } from '../../src/wire/layout.js';
import { parseQuery, type ParsedQuery } from '../../src/wire/query-parse.js';
import { answerWire, queryWire } from './fixtures.js';
import type { Case } from './harness.js';

const POLICY = { minCacheTtl: 0, maxCacheTtl: 2_147_483_647, negTtl: null, noNegcache: false };

/** The render cases (and buildEntry itself, the insert-time cost). */
export function renderCases(): Case[] {
  const name = 'www.example.com';
  const answer = answerWire(name, 4);
  const layout = scanMessage(answer);
  if (!layout) throw new Error('fixture answer does not scan');
  const built = (rotate: boolean): Buffer => {
    const e = buildEntry(answer, layout, 1000, POLICY, rotate, false);
    if (e === null) throw new Error('fixture answer is not cacheable');
    return Buffer.from(e); // a copy: the result is a view of a shared buffer
  };
  const rotating = built(true);
  const fixed = built(false);
  const query = queryWire(name, 'A', true);
  const q = parseQuery(query) as ParsedQuery;
  const opts = (rotate: boolean): RenderOptions => ({ clientMaxTtl: 0, forceTtl: -1, rotate, ednsUdp: 1232, dnssecOk: false });
  const still = opts(false);
  const turn = opts(true);
  return [
    { name: 'renderEntry: 4×A + OPT, no rotation', fn: (i) => renderEntry(fixed, 0, fixed.length, query, q.qEnd, 1000 + (i & 63), still) },
    { name: 'renderEntry: 4×A + OPT, rotated', fn: (i) => renderEntry(rotating, 0, rotating.length, query, q.qEnd, 1000 + (i & 63), turn) },
    { name: 'buildEntry (insert): 4×A + OPT, rotation on', fn: () => buildEntry(answer, scanMessage(answer)!, 1000, POLICY, true, false) },
  ];
}
