/**
 * `npm run bench:micro`: ns/op of the hot functions (question read, cache key, hit render, rule
 * lookup), median of 5 runs each. Pin it for steadier numbers: `taskset -c 0 node
 * dist/bench/micro/run.js`. Optional arguments filter cases by substring.
 */
import { table, time, type Timing } from './harness.js';
import { hitPathCases } from './hit-path.js';
import { lookupCases } from './lookup.js';
import { parseCases } from './parse.js';
import { renderCases } from './render.js';

const filters = process.argv.slice(2);
const cases = [...parseCases(), ...renderCases(), ...lookupCases(), ...hitPathCases()]
  .filter((c) => filters.length === 0 || filters.some((f) => c.name.includes(f)));
const rows: Timing[] = [];
for (const c of cases) {
  const t = time(c);
  process.stderr.write(`${c.name}: ${t.medianNs.toFixed(1)} ns/op\n`);
  rows.push(t);
}
process.stdout.write(`\nnode ${process.version}, ${new Date().toISOString()}\n\n${table(rows)}\n`);
