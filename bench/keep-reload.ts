/**
 * `node dist/bench/keep-reload.js [--entries N]`: how long reload-keeps-cache's walk over a full
 * cache takes, and how long it holds the event loop at a time (its slices). Fills a store with N
 * entries (default 1,000,000; a tenth under svc.test, the rest under 1,000 other domains), then
 * walks it for three reloads: nothing changed, svc.test's server changed (a tenth dropped), and
 * cache-size changed (every entry copied into a new store). Prints one JSON line per case.
 */
import { performance } from 'node:perf_hooks';
import { CacheStore } from '../src/cache/store.js';
import { KeepPass, type KeepCounts } from '../src/keep/keep-pass.js';
import { CacheShape } from '../src/keep/shape.js';
import { cacheKey, runtimeOf } from '../test/helpers/runtime.js';

const arg = process.argv.indexOf('--entries');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;
const BASE = 'server=127.0.0.1#5300\n';
const entry = Buffer.alloc(60, 7);

/** A store with N entries. */
function filled(size: number): CacheStore {
  const store = new CacheStore(size, 1024 ** 3);
  for (let i = 0; i < N; i++) store.set(i % 10 === 0 ? cacheKey(`n${i}.svc.test`) : cacheKey(`n${i}.d${i % 1000}.example`), entry);
  return store;
}

/** Walks `from` into `to` from config `a` to `b`; resolves with the counts and the longest slice. */
async function walk(from: CacheStore, to: CacheStore, a: string, b: string): Promise<KeepCounts & { longestSliceMs: number }> {
  const ra = runtimeOf(BASE + a);
  const rb = runtimeOf(BASE + b);
  const x = new CacheShape(ra);
  const y = new CacheShape(rb);
  let longest = 0;
  let last = performance.now();
  // Event-loop turns between slices: the longest gap between two checks is the longest stall.
  const probe = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 0);
  const t0 = performance.now();
  const counts = await new Promise<KeepCounts>((resolve) => new KeepPass(from, to, (k) => x.signature(k) === y.signature(k), resolve).start());
  longest = Math.max(longest, performance.now() - Math.max(last, t0));
  clearInterval(probe);
  ra.close();
  rb.close();
  return { ...counts, longestSliceMs: Math.round(longest * 10) / 10 };
}

const svc = (port: number) => `server=/svc.test/127.0.0.2#${port}\n`;
const print = (name: string, r: object) => process.stdout.write(`${JSON.stringify({ case: name, entries: N, ...r })}\n`);

let store = filled(N);
print('unchanged', await walk(store, store, svc(8600), svc(8600)));
print('svc.test server changed', await walk(store, store, svc(8600), svc(8601)));
store = filled(N);
print('cache-size changed (copy)', await walk(store, new CacheStore(N + 1, 1024 ** 3), svc(8600), svc(8600)));
