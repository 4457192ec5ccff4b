#!/usr/bin/env node
// Runs every compiled *.test.js under dist/test (or under the folders given), with node:test.
// Node 20's --test does not expand globs, and its directory scan would also run helper files
// under test/, so the list is built here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['dist/test'];
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(p);
  }
};
for (const r of roots) walk(r);
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
// TAP as it goes, then a list of the failures, so the end of a CI log names them.
const summary = new URL('./failure-summary.mjs', import.meta.url).pathname;
const reporters = ['--test-reporter=tap', '--test-reporter-destination=stdout',
  `--test-reporter=${summary}`, '--test-reporter-destination=stdout'];
const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...reporters, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
