/** Writes the query files the selected scenarios use, sized by the profile. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Profile } from './profile.js';
import { hitLines, writeMixed, writeUnique } from './query-files.js';
import { ALIASES, type QueryFileId, type Scenario } from './scenarios.js';

/** One in this many mixed queries is a new name (90% hits). */
const MISS_EVERY = 10;

/** Writes every file the scenarios refer to into `dir`; returns id → path. */
export async function writeQuerySets(dir: string, p: Profile, scenarios: readonly Scenario[]): Promise<Record<QueryFileId, string>> {
  const need = new Set(scenarios.flatMap((s) => [s.warm.file, s.load.file, s.latency.file]));
  const path = (id: QueryFileId) => join(dir, `${id}.txt`);
  const hits = hitLines(p.hitNames);
  const makers: Record<QueryFileId, () => Promise<void> | void> = {
    hit: () => writeFileSync(path('hit'), `${hits.join('\n')}\n`),
    warmUnique: () => writeUnique(path('warmUnique'), 'w', p.warmUnique),
    loadUnique: () => writeUnique(path('loadUnique'), 'u', p.loadUnique),
    latencyUnique: () => writeUnique(path('latencyUnique'), 'l', p.latencyUnique),
    mixedLoad: () => writeMixed(path('mixedLoad'), 'm', p.loadUnique, hits, MISS_EVERY),
    mixedLatency: () => writeMixed(path('mixedLatency'), 'n', p.latencyUnique, hits, MISS_EVERY),
    alias: () => writeFileSync(path('alias'), Array.from({ length: ALIASES }, (_, i) => `alias${i}.test A\n`).join('')),
  };
  const out = {} as Record<QueryFileId, string>;
  for (const id of Object.keys(makers) as QueryFileId[]) {
    if (!need.has(id)) continue;
    await makers[id]();
    out[id] = path(id);
  }
  return out;
}

/** Unique names one server may see in a scenario: the cache-size that avoids evictions. */
export function uniqueNames(p: Profile): number {
  return p.warmUnique + p.loadUnique + p.latencyUnique + 1000;
}
